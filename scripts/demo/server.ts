// The demo target: a small SPA with a configurable latency per route, an
// injected error rate on the cart, and a per-route hit counter readable over
// HTTP (GET /__stats) so tests can reconcile a report with what the server saw.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_JS, PRODUCTS, SHELL_HTML } from './page.js';

export interface DemoConfig {
  /** added delay in ms by route, e.g. { 'GET /api/products': 300 } */
  latencyMs: Record<string, number>;
  /** share of POST /api/cart answered with 500, 0..1 */
  cartErrorRate: number;
}

export interface RouteStats {
  hits: number;
  errors: number;
}

export interface DemoApp {
  url: string;
  stats(): Record<string, RouteStats>;
  reset(): void;
  configure(config: Partial<DemoConfig>): void;
  close(): Promise<void>;
}

/** The benchmarks' and calibration's target: every API route at a fixed 100 ms. */
export const REFERENCE_LATENCY = { 'GET /api/products': 100, 'GET /api/products/:id': 100, 'POST /api/cart': 100 };

export const DEFAULT_DEMO_CONFIG: DemoConfig = {
  latencyMs: { 'GET /api/products': 100, 'GET /api/products/:id': 100, 'POST /api/cart': 150 },
  cartErrorRate: 0,
};

export async function startDemoApp(options: Partial<DemoConfig> & { port?: number; host?: string } = {}): Promise<DemoApp> {
  let config: DemoConfig = {
    latencyMs: { ...DEFAULT_DEMO_CONFIG.latencyMs, ...options.latencyMs },
    cartErrorRate: options.cartErrorRate ?? DEFAULT_DEMO_CONFIG.cartErrorRate,
  };
  let stats: Record<string, RouteStats> = {};
  let cartItems = 0;

  const count = (route: string, error: boolean) => {
    const entry = (stats[route] ??= { hits: 0, errors: 0 });
    entry.hits += 1;
    if (error) entry.errors += 1;
  };

  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const productId = /^\/api\/products\/([\w-]+)$/.exec(path)?.[1];
    // One counter and one latency setting per route, whatever the id.
    const route = productId ? `${req.method} /api/products/:id` : `${req.method} ${path}`;
    if (path === '/__stats') return send(res, 200, 'application/json', JSON.stringify(stats));
    if (route === 'POST /__reset') {
      stats = {};
      cartItems = 0;
      return send(res, 200, 'application/json', '{}');
    }
    if (route === 'POST /__config') {
      const patch = JSON.parse(await readBody(req)) as Partial<DemoConfig>;
      config = { ...config, ...patch, latencyMs: { ...config.latencyMs, ...patch.latencyMs } };
      return send(res, 200, 'application/json', JSON.stringify(config));
    }
    const delay = config.latencyMs[route] ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    switch (route) {
      case 'GET /':
        count(route, false);
        return send(res, 200, 'text/html; charset=utf-8', SHELL_HTML);
      case 'GET /app.js':
        count(route, false);
        return send(res, 200, 'text/javascript', APP_JS);
      case 'GET /api/products':
        count(route, false);
        return send(res, 200, 'application/json', JSON.stringify(PRODUCTS.map(({ description: _, ...summary }) => summary)));
      case 'GET /api/products/:id': {
        const product = PRODUCTS.find((p) => p.id === productId);
        count(route, !product);
        return product ? send(res, 200, 'application/json', JSON.stringify(product)) : send(res, 404, 'application/json', '{"error":"no such product"}');
      }
      case 'POST /api/cart': {
        await readBody(req);
        const fail = Math.random() < config.cartErrorRate;
        count(route, fail);
        if (fail) return send(res, 500, 'application/json', JSON.stringify({ error: 'injected failure' }));
        cartItems += 1;
        return send(res, 200, 'application/json', JSON.stringify({ items: cartItems }));
      }
      default:
        return send(res, 404, 'text/plain', 'not found');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    stats: () => structuredClone(stats),
    reset: () => {
      stats = {};
      cartItems = 0;
    },
    configure: (patch) => {
      config = { ...config, ...patch, latencyMs: { ...config.latencyMs, ...patch.latencyMs } };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
