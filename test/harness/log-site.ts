// A site and the access logs it might have written: page views, assets and
// downloads a browser asks for by itself, a POST, 404s, and the odd lines real
// servers write (Apache's keep-alive OPTIONS *, a timeout's "-" 408, a status
// of -, 000, an absolute-URI request line, \" inside a quoted field, Debian's
// vhost prefix). The lines are written here, not copied from anyone's log.
// The site counts what it answered, by method, path and status, so a run of
// the list made from the log can be reconciled with it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LogSite {
  url: string;
  /** answered requests by "METHOD /path STATUS" */
  answers(): Record<string, number>;
  close(): Promise<void>;
}

/** Pages the site has today; /gone was a page when the log was written and answers 404 now. */
export async function startLogSite(): Promise<LogSite> {
  const answers: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const page = path === '/' || path === '/about' || path === '/search' || /^\/product\/\d+$/.test(path);
    const status = req.method === 'POST' && path === '/api/cart' ? 201 : req.method === 'GET' && page ? 200 : 404;
    const key = `${req.method} ${path.startsWith('/product/') ? '/product/:id' : path} ${status}`;
    answers[key] = (answers[key] ?? 0) + 1;
    req.resume();
    res.writeHead(status, { 'content-type': status === 201 ? 'application/json' : 'text/html' });
    res.end(status === 201 ? '{"ok":true}' : `<!doctype html><title>${path}</title><p>${status === 200 ? 'page' : 'not here'}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers: () => ({ ...answers }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface GeneratedLog {
  text: string;
  /** what the list must hold: requests by group name, page views and kept methods only */
  groups: Record<string, number>;
  /** lines left out, by the reason the command gives */
  leftOut: Record<string, number>;
  malformed: number;
}

const DATE = '[03/Dec/2026:10:00:00 +0000]';
const PAGES = ['/', '/about', '/search?q=tea', '/gone'];
const ASSETS = ['/css/site.css?v=3', '/js/app.js', '/img/logo.png', '/favicon.ico', '/fonts/a.woff2'];
const DOWNLOADS = ['/files/manual.pdf', '/dl/tool.jar', '/dl/setup.exe'];

/** `lines` lines in the common or combined format; every 10th an odd one. */
export function generateLog(format: 'common' | 'combined', lines: number): GeneratedLog {
  const groups: Record<string, number> = {};
  const leftOut: Record<string, number> = {};
  let malformed = 0;
  const tail = format === 'combined' ? ` "https://shop.example/?q=\\"tea\\"" "Mozilla/5.0 (X11; \\"quoted\\")"` : '';
  const line = (request: string, status: string, client = '10.0.0.7') => `${client} - - ${DATE} "${request}" ${status} 512${tail}`;
  const count = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);
  const out: string[] = [];
  for (let i = 0; i < lines; i += 1) {
    const pick = i % 20;
    if (pick < 6) {
      const page = PAGES[i % PAGES.length]!;
      out.push(line(`GET ${page} HTTP/1.1`, '200'));
      count(groups, page.split('?')[0]!);
    } else if (pick < 8) {
      out.push(line(`GET /product/${i % 40} HTTP/1.1`, i % 7 === 0 ? '304' : '200'));
      count(groups, '/product/:id');
    } else if (pick < 12) {
      out.push(line(`GET ${ASSETS[i % ASSETS.length]} HTTP/1.1`, '200'));
      count(leftOut, 'asset');
    } else if (pick === 12) {
      out.push(line(`GET ${DOWNLOADS[i % DOWNLOADS.length]} HTTP/1.1`, '200'));
      count(leftOut, 'download');
    } else if (pick === 13) {
      out.push(line('POST /api/cart HTTP/1.1', '201'));
      count(groups, 'POST /api/cart');
    } else if (pick === 14) {
      out.push(line('GET /missing HTTP/1.1', '404'));
      count(leftOut, 'failed');
    } else if (pick === 15) {
      // An absolute-URI request line: its path is the page.
      out.push(line('GET http://shop.example/about HTTP/1.1', '200'));
      count(groups, '/about');
    } else if (pick === 16) {
      out.push(line('OPTIONS * HTTP/1.0', '200', '::1'));
      count(leftOut, 'not a path');
    } else if (pick === 17) {
      out.push(`10.0.0.9 - - ${DATE} "-" 408 0${tail}`);
      count(leftOut, 'no request line');
    } else if (pick === 18) {
      out.push(i % 40 === 18 ? line('GET /slow HTTP/1.1', '000') : `10.0.0.9 - - ${DATE} "GET /x HTTP/1.1" - 0${tail}`);
      count(leftOut, i % 40 === 18 ? 'no response' : 'no status');
    } else if (i % 100 === 19) {
      out.push('this is not a log line');
      malformed += 1;
    } else {
      out.push(line('DELETE /api/cart/7 HTTP/1.1', '204'));
      count(leftOut, 'method');
    }
  }
  return { text: out.join('\n') + '\n', groups, leftOut, malformed };
}
