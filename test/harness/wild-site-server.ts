// A target shaped like real single-page apps rather than like squall: its API
// on another origin without Timing-Allow-Origin (a JSON POST, so a CORS
// preflight too, whose body the page never reads), a redirect chain, frames
// (about:blank, srcdoc, one on the other origin), a popup, a Web Worker's
// fetch, a request refused at the network level, a cached asset, a 404, a
// data: image, an image whose path has a bare % (a malformed escape). Both origins count every request they serve by method and
// path, so a report can be reconciled with what the servers saw. It runs in a
// process of its own (wild-site.ts starts it): in the test's process, the
// test's own puppeteer traffic would delay its answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WildSiteState {
  /** served requests by "METHOD origin/path" */
  hits: Record<string, number>;
  /** how long the server itself took for each request of a delayed route, in order: from its request to starting its response */
  serverMs: Record<keyof typeof WILD_DELAYS_MS, number[]>;
}

export interface WildSiteServer {
  /** the app's origin (127.0.0.1) */
  url: string;
  /** the API's origin (127.0.0.2): another origin, no Timing-Allow-Origin */
  apiUrl: string;
  /** a port nothing listens on: a request to it is refused */
  refusedUrl: string;
  state(): WildSiteState;
  close(): Promise<void>;
}

export const WILD_DELAYS_MS = { order: 150, landing: 80 } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function homePage(api: string, refused: string): string {
  return `<!doctype html><html><head><title>wild shop</title></head><body>
<h1>Wild shop</h1><p>An app that calls an API on another origin.</p>
<img src="/logo.png" alt="logo"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""><img src="/img/100%/x.png" alt="">
<iframe src="about:blank"></iframe><iframe srcdoc="<p>inline</p>"></iframe><iframe src="${api}/frame"></iframe>
<button id="order">order</button><button id="redirect">redirect</button><button id="popup">popup</button>
<p id="loaded"></p><p id="ordered"></p><p id="landed"></p><p id="popped"></p>
<script>
const done = new Set();
const mark = (what) => { done.add(what); if (done.size === 3) document.querySelector('#loaded').textContent = 'loaded'; };
fetch('/api/missing').then((r) => mark('missing ' + r.status));
fetch('${refused}/nothing').catch(() => mark('refused'));
const worker = new Worker('/worker.js');
worker.onmessage = () => mark('worker');
// A ping to the API's origin, then the order, on a click: both timed when the page is not busy loading.
document.querySelector('#order').onclick = () =>
  fetch('${api}/api/ping').then((r) => r.text())
    .then(() => fetch('${api}/api/order', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":1}' }))
    .then((r) => { document.querySelector('#ordered').textContent = r.ok ? 'ordered' : 'refused'; });
// A ping, then a redirect chain to a slow landing, on a click: timed when the page is not busy loading.
document.querySelector('#redirect').onclick = () =>
  fetch('/api/ping').then((r) => r.text()).then(() => fetch('/go')).then((r) => r.text())
    .then(() => { document.querySelector('#landed').textContent = 'landed'; });
addEventListener('message', (event) => { if (event.data === 'popup done') document.querySelector('#popped').textContent = 'popped'; });
document.querySelector('#popup').onclick = () => window.open('/popup', 'wild-popup');
</script></body></html>`;
}

const POPUP = `<!doctype html><p>popup</p><script>
fetch('/api/from-popup').then((r) => r.text()).then(() => { opener.postMessage('popup done', '*'); window.close(); });
</script>`;

const WORKER = `fetch('/api/from-worker').then((r) => r.text()).then(() => postMessage('done'));`;

async function listen(server: Server, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

export async function serveWildSite(): Promise<WildSiteServer> {
  const hits: Record<string, number> = {};
  const serverMs: Record<keyof typeof WILD_DELAYS_MS, number[]> = { order: [], landing: [] };
  /** The delayed routes answer after their delay; what the server itself took is kept, as its timers run late on a busy machine. */
  const delayed = async (route: keyof typeof WILD_DELAYS_MS, req: IncomingMessage, answer: () => void) => {
    const received = performance.now();
    req.resume();
    await sleep(WILD_DELAYS_MS[route]);
    // Up to the moment the response starts: its first byte cannot reach the browser before.
    serverMs[route].push(performance.now() - received);
    answer();
  };
  let apiUrl = '';
  let refusedUrl = '';
  const count = (origin: string, req: IncomingMessage) => {
    const key = `${req.method} ${origin}${new URL(req.url ?? '/', 'http://x').pathname}`;
    hits[key] = (hits[key] ?? 0) + 1;
  };
  const send = (res: ServerResponse, type: string, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'content-type': type, ...headers });
    res.end(body);
  };
  const app = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/__state') return send(res, 'application/json', JSON.stringify({ hits, serverMs }));
    count(appUrl, req);
    if (path === '/') return send(res, 'text/html', homePage(apiUrl, refusedUrl));
    if (path === '/logo.png') return send(res, 'image/gif', 'GIF89a', { 'cache-control': 'max-age=3600' });
    if (path === '/go') return void res.writeHead(302, { location: '/hop' }).end();
    if (path === '/hop') return void res.writeHead(302, { location: '/api/landing' }).end();
    if (path === '/api/landing') return delayed('landing', req, () => send(res, 'application/json', '{"landed":true}'));
    if (path === '/worker.js') return send(res, 'text/javascript', WORKER);
    if (path === '/popup') return send(res, 'text/html', POPUP);
    if (path === '/api/from-worker' || path === '/api/from-popup' || path === '/api/ping') return send(res, 'application/json', '{}');
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  });
  const api = createServer(async (req, res) => {
    count(apiUrl, req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // CORS for the app, on purpose without Timing-Allow-Origin: Resource Timing would zero its phases.
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    if (path === '/api/order') return delayed('order', req, () => send(res, 'application/json', `{"order":${Date.now()},"padding":"${'x'.repeat(2000)}"}`, cors));
    if (path === '/frame') return send(res, 'text/html', `<!doctype html><p>frame</p><script>fetch('/api/from-frame')</script>`);
    if (path === '/api/from-frame') return send(res, 'application/json', '{}');
    if (path === '/api/ping') return send(res, 'application/json', '{}', cors);
    res.writeHead(404, cors).end();
  });
  const closed = createServer();
  const appUrl = await listen(app, '127.0.0.1');
  apiUrl = await listen(api, '127.0.0.2');
  refusedUrl = await listen(closed, '127.0.0.1');
  await new Promise((resolve) => closed.close(resolve));
  for (const server of [app, api]) server.keepAliveTimeout = 30_000;
  return {
    url: appUrl,
    apiUrl,
    refusedUrl,
    state: () => structuredClone({ hits, serverMs }),
    close: async () => {
      for (const server of [app, api]) server.closeAllConnections();
      await Promise.all([app, api].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
