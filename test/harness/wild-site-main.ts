// The wild site's process: serves until SIGTERM; its first line on stdout says where.
import { serveWildSite } from './wild-site-server.js';

const site = await serveWildSite();
process.stdout.write(`${JSON.stringify({ url: site.url, apiUrl: site.apiUrl, refusedUrl: site.refusedUrl })}\n`);
process.once('SIGTERM', () => void site.close().then(() => process.exit(0)));
