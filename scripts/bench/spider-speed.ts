// How fast `squall urls spider` crawls a real documentation site served on
// loopback (not part of `npm run bench`: it needs a site on disk).
//   npx tsx scripts/bench/spider-speed.ts /usr/share/doc/nodejs/api [spider flags...]
// Serves the folder as static files (index.html for a folder), runs the built
// CLI's spider from the site's root, and prints pages, seconds and pages/s.
import { createReadStream, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json' };

const [root, ...flags] = process.argv.slice(2);
if (!root || !existsSync(root)) {
  console.error('usage: npx tsx scripts/bench/spider-speed.ts <folder of a static site> [spider flags...]');
  process.exit(2);
}
let served = 0;
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(root, path);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not here');
  served += 1;
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const out = join(mkdtempSync(join(tmpdir(), 'squall-spider-speed-')), 'urls.txt');
const cli = fileURLToPath(new URL('../../bin/squall.mjs', import.meta.url));
const started = performance.now();
// Run asynchronously so this process keeps serving while the spider crawls.
const { spawn } = await import('node:child_process');
const child = spawn(process.execPath, [cli, 'urls', 'spider', url, '--max', '1000', '--out', out, ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
let stdout = '';
child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
const seconds = (performance.now() - started) / 1000;
server.close();
const pages = readFileSync(out, 'utf8').split('\n').filter((line) => line.startsWith('http')).length;
console.log(stdout.split('\n').filter((line) => /pages found/.test(line)).join('\n'));
console.log(JSON.stringify({ site: root, flags, exit: code, pages, seconds: Number(seconds.toFixed(1)), pagesPerSecond: Number((pages / seconds).toFixed(2)), requestsServed: served }));
