// A documentation site shaped like generated docs: a frameset index (its
// pages reached only through its frames), an iframe, a link a script adds
// after load (late: the page then holds its main thread), a path that
// redirects into one robots.txt disallows, and a disallowed link. It counts
// what it served, so a test can say the spider never loaded what it may not.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DocsSite {
  url: string;
  served(): Record<string, number>;
  close(): Promise<void>;
}

const page = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;

const PAGES: Record<string, string> = {
  '/': `<!doctype html><html><head><title>API docs</title></head><frameset cols="20%,80%"><frame src="nav.html" name="nav"><frame src="overview.html" name="main"></frameset></html>`,
  '/nav.html': page('nav', '<a href="classes/A.html" target="main">A</a> <a href="classes/B.html" target="main">B</a> <a href="/Types">types</a> <a href="/private/notes.html">notes</a>'),
  '/overview.html': page('overview', '<p>Overview</p><a href="guide.html">guide</a><iframe src="embedded.html"></iframe>'),
  '/embedded.html': page('embedded', '<a href="deep.html">deep</a>'),
  // Its link comes from a timer, and then the page holds its main thread for 400 ms (as a heavy
  // hydration does): the timer runs late, after the network has long been quiet.
  '/guide.html': page(
    'guide',
    '<p id="more"></p><script>setTimeout(() => { const a = document.createElement("a"); a.href = "scripted.html"; a.textContent = "more"; document.getElementById("more").append(a); }, 50); setTimeout(() => { const until = Date.now() + 400; while (Date.now() < until); }, 10);</script>',
  ),
  '/deep.html': page('deep', '<a href="classes/A.html">A</a>'),
  '/scripted.html': page('scripted', 'found through a script'),
  '/classes/A.html': page('A', '<a href="../overview.html">overview</a>'),
  '/classes/B.html': page('B', '<a href="A.html">A</a>'),
  '/Types/': page('types', 'robots.txt disallows this'),
  '/private/notes.html': page('notes', 'robots.txt disallows this'),
};

export async function startDocsSite(): Promise<DocsSite> {
  const served: Record<string, number> = {};
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    served[path] = (served[path] ?? 0) + 1;
    if (path === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /Types/\nDisallow: /private/\n');
    // As servers do for a folder asked without its slash.
    if (path === '/Types') return void res.writeHead(301, { location: '/Types/' }).end();
    const body = PAGES[path];
    if (body === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    res.writeHead(200, { 'content-type': 'text/html' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => ({ ...served }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
