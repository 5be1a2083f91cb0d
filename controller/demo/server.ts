// The demo target: a small SPA with a configurable latency per route, an
// injected error rate on the cart, and a per-route hit counter readable over
// HTTP (GET /__stats) so tests can reconcile a report with what the server saw.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_JS, INFO_PAGES, LOGIN_HTML, PRODUCTS, ROBOTS_TXT, SHELL_HTML } from './page.js';

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

/** The page's own time for one product action (controller/demo/page.ts), by the epoch ms of its click. */
export interface PageTiming {
  at: number;
  ms: number;
}

/** How many page timings the shop keeps: the newest, about a day at the benchmark's highest rates. */
const MAX_PAGE_TIMINGS = 200_000;

export interface DemoApp {
  url: string;
  stats(): Record<string, RouteStats>;
  /** sign-ins that succeeded, by user (GET /login, POST /api/login) */
  logins(): Record<string, number>;
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
  const shop = new DemoShop({
    latencyMs: { ...DEFAULT_DEMO_CONFIG.latencyMs, ...options.latencyMs },
    cartErrorRate: options.cartErrorRate ?? DEFAULT_DEMO_CONFIG.cartErrorRate,
  });
  const server = createServer((req, res) => {
    shop.handle(req, res).catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    stats: () => structuredClone(shop.stats),
    logins: () => Object.fromEntries(shop.logins),
    reset: () => shop.reset(),
    configure: (patch) => shop.configure(patch),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

class DemoShop {
  stats: Record<string, RouteStats> = {};
  private cartItems = 0;
  private pageTimings: PageTiming[] = [];
  /** visits by session cookie (GET /visits) */
  private readonly sessions = new Map<string, number>();
  /** sign-ins that succeeded, by user */
  readonly logins = new Map<string, number>();

  constructor(private config: DemoConfig) {}

  reset(): void {
    this.stats = {};
    this.cartItems = 0;
    this.sessions.clear();
    this.logins.clear();
    this.pageTimings = [];
  }

  private pageTimingsWithin(from: number, to: number): PageTiming[] {
    return this.pageTimings.filter((timing) => timing.at >= from && timing.at <= to);
  }

  private keepPageTiming(header: string | string[] | undefined): void {
    const [at, ms] = typeof header === 'string' ? header.split(' ').map(Number) : [];
    if (!Number.isFinite(at) || !Number.isFinite(ms)) return;
    if (this.pageTimings.length >= MAX_PAGE_TIMINGS) this.pageTimings.splice(0, MAX_PAGE_TIMINGS / 2);
    this.pageTimings.push({ at: at!, ms: ms! });
  }

  configure(patch: Partial<DemoConfig>): void {
    this.config = { ...this.config, ...patch, latencyMs: { ...this.config.latencyMs, ...patch.latencyMs } };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const productId = /^\/api\/products\/([\w-]+)$/.exec(path)?.[1];
    // One counter and one latency setting per route, whatever the id.
    const route = productId ? `${req.method} /api/products/:id` : `${req.method} ${path}`;
    if (path === '/__stats') return send(res, 200, 'application/json', JSON.stringify(this.stats));
    if (path === '/__logins') return send(res, 200, 'application/json', JSON.stringify(Object.fromEntries(this.logins)));
    if (path === '/__page-timings') {
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
      return send(res, 200, 'application/json', JSON.stringify(this.pageTimingsWithin(Number(query.get('from') ?? 0), Number(query.get('to') ?? Infinity))));
    }
    if (route === 'POST /__reset') {
      this.reset();
      return send(res, 200, 'application/json', '{}');
    }
    if (route === 'POST /__config') {
      this.configure(JSON.parse(await readBody(req)) as Partial<DemoConfig>);
      return send(res, 200, 'application/json', JSON.stringify(this.config));
    }
    const delay = this.config.latencyMs[route] ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return this.serve(route, productId, req, res);
  }

  private async serve(route: string, productId: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (route) {
      case 'GET /':
        this.count(route, false);
        return send(res, 200, 'text/html; charset=utf-8', SHELL_HTML);
      case 'GET /app.js':
        this.count(route, false);
        return send(res, 200, 'text/javascript', APP_JS);
      case 'GET /api/products':
        this.count(route, false);
        return send(res, 200, 'application/json', JSON.stringify(PRODUCTS.map(({ description: _, ...summary }) => summary)));
      case 'GET /api/products/:id': {
        const product = PRODUCTS.find((p) => p.id === productId);
        this.count(route, !product);
        return product ? send(res, 200, 'application/json', JSON.stringify(product)) : send(res, 404, 'application/json', '{"error":"no such product"}');
      }
      case 'POST /api/cart': {
        await readBody(req);
        this.keepPageTiming(req.headers['x-page-timing']);
        const fail = Math.random() < this.config.cartErrorRate;
        this.count(route, fail);
        if (fail) return send(res, 500, 'application/json', JSON.stringify({ error: 'injected failure' }));
        this.cartItems += 1;
        return send(res, 200, 'application/json', JSON.stringify({ items: this.cartItems }));
      }
      case 'GET /about':
      case 'GET /help':
      case 'GET /scripted':
      case 'GET /private/report':
      case 'GET /robots.txt':
        this.count(route, false);
        return route === 'GET /robots.txt' ? send(res, 200, 'text/plain', ROBOTS_TXT) : send(res, 200, 'text/html; charset=utf-8', INFO_PAGES[route]!);
      case 'GET /login':
        this.count(route, false);
        return send(res, 200, 'text/html; charset=utf-8', LOGIN_HTML);
      case 'POST /api/login':
        return this.login(await readBody(req), res);
      case 'GET /visits':
        // A session's visits, counted by its cookie: shows whether a visitor's cookies were carried.
        return this.visit(req, res);
      default:
        return send(res, 404, 'text/plain', 'not found');
    }
  }

  private login(body: string, res: ServerResponse): void {
    let given: { user?: unknown; password?: unknown } = {};
    try {
      given = JSON.parse(body) as typeof given;
    } catch {
      // refused below
    }
    const ok = typeof given.user === 'string' && given.user !== '' && given.password === `pw-${given.user}`;
    this.count('POST /api/login', !ok);
    if (!ok) return send(res, 401, 'application/json', '{"error":"wrong user or password"}');
    const user = given.user as string;
    this.logins.set(user, (this.logins.get(user) ?? 0) + 1);
    send(res, 200, 'application/json', JSON.stringify({ user }));
  }

  private visit(req: IncomingMessage, res: ServerResponse): void {
    this.count('GET /visits', false);
    let session = /(?:^|;\s*)sid=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!session) {
      session = `s${(this.sessions.size + 1).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      res.setHeader('set-cookie', `sid=${session}; Path=/; HttpOnly`);
    }
    const visits = (this.sessions.get(session) ?? 0) + 1;
    this.sessions.set(session, visits);
    send(res, 200, 'text/html; charset=utf-8', `<!doctype html><title>visits</title><p id="visits">visit ${visits} of this session</p>`);
  }

  private count(route: string, error: boolean): void {
    const entry = (this.stats[route] ??= { hits: 0, errors: 0 });
    entry.hits += 1;
    if (error) entry.errors += 1;
  }
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
