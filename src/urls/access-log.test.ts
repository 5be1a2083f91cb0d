import { describe, expect, it } from 'vitest';
import { LogTally } from './access-log.js';
import { parseLogLine } from './log-line.js';
import { parseUrlFile, urlListText } from './url-file.js';

const DATE = '[10/Oct/2026:13:55:36 -0700]';
const COMMON = `10.0.0.1 - frank ${DATE} "GET /product/42?ref=mail HTTP/1.1" 200 2326`;
const COMBINED = `${COMMON} "https://shop.example/" "Mozilla/5.0 (X11)"`;
const line = (method: string, target: string, status: number | string = 200) => `1.2.3.4 - - ${DATE} "${method} ${target} HTTP/1.1" ${status} 10 "-" "Mozilla/5.0"`;
const tallyOf = (lines: string[], options: Partial<ConstructorParameters<typeof LogTally>[0]> = {}) => {
  const tally = new LogTally({ format: 'auto', methods: ['GET'], base: 'https://shop.example', ...options });
  for (const text of lines) tally.add(text);
  return tally;
};

describe('access log lines', () => {
  it('reads the common, the combined and the vhost_combined format, and what each is', () => {
    const request = { method: 'GET', target: '/product/42?ref=mail', status: 200 };
    expect(parseLogLine(COMMON)).toEqual({ request: { ...request, shape: 'common' } });
    expect(parseLogLine(COMBINED)).toEqual({ request: { ...request, shape: 'combined' } });
    expect(parseLogLine(`shop.example:443 ${COMBINED}`)).toEqual({ request: { ...request, shape: 'vhost' } });
  });

  it('reads the lines real servers write that are not plain requests, and says why each asks for nothing', () => {
    // Apache's keep-alive ping to itself, a timeout before any request, a status never sent.
    expect(parseLogLine(`::1 - - ${DATE} "OPTIONS * HTTP/1.0" 200 126 "-" "Apache/2.4.62 (Debian) (internal dummy connection)"`)).toEqual({ notARequest: 'not a path', shape: 'combined' });
    expect(parseLogLine(`10.0.0.1 - - ${DATE} "-" 408 0 "-" "-"`)).toEqual({ notARequest: 'no request line', shape: 'combined' });
    expect(parseLogLine(`10.0.0.1 - - ${DATE} "GET / HTTP/1.1" - 0`)).toEqual({ notARequest: 'no status', shape: 'common' });
    expect(parseLogLine(`10.0.0.1 - - ${DATE} "CONNECT shop.example:443 HTTP/1.1" 400 0`)).toEqual({ notARequest: 'not a path', shape: 'common' });
    // An absolute-URI request line (a proxy's, or a client talking to one): its path and query.
    expect(parseLogLine(`10.0.0.1 - - ${DATE} "GET http://shop.example/cart?x=1 HTTP/1.1" 200 5`)).toMatchObject({ request: { target: '/cart?x=1' } });
    expect(parseLogLine(`10.0.0.1 - - ${DATE} "GET http://shop.example HTTP/1.1" 200 5`)).toMatchObject({ request: { target: '/' } });
    // \" inside a quoted field, as Apache escapes it; HTTP/0.9's line without a protocol; 000: no response.
    expect(parseLogLine(`10.0.0.1 - - ${DATE} "GET /a HTTP/1.1" 200 5 "https://x/?q=\\"hi\\"" "Bot \\"quoted\\" 1.0"`)).toMatchObject({ request: { target: '/a', shape: 'combined' } });
    expect(parseLogLine(`10.0.0.1 - - ${DATE} "GET /old" 200 5`)).toMatchObject({ request: { target: '/old' } });
    expect(parseLogLine(`10.0.0.1 - - ${DATE} "GET /gone HTTP/1.1" 000 0`)).toMatchObject({ request: { status: 0 } });
    expect(parseLogLine('not a log line')).toEqual({ malformed: true });
    expect(parseLogLine('also "broken')).toEqual({ malformed: true });
  });
});

describe('a tally of a log', () => {
  it('counts successful page views by method and normalised path, the most asked first, and names malformed lines', () => {
    const tally = tallyOf(
      [...['/product/1', '/product/1', '/product/2?x=1', '/', '/', '/', '/cart'].map((t) => line('GET', t)), line('POST', '/cart'), line('GET', '/missing', 404), 'not a log line', '', 'also "broken'],
    );
    expect(tally.top(10)).toEqual([
      { method: 'GET', url: 'https://shop.example/', name: '/', weight: 3 },
      { method: 'GET', url: 'https://shop.example/product/1', name: '/product/:id', weight: 3 },
      { method: 'GET', url: 'https://shop.example/cart', name: '/cart', weight: 1 },
    ]);
    expect(tally.top(1)).toHaveLength(1);
    expect({ lines: tally.lines, malformed: tally.malformedCount, first: tally.malformed }).toEqual({ lines: 12, malformed: 2, first: [10, 12] });
    expect(Object.fromEntries(tally.skipped)).toEqual({ method: 1, failed: 1 });
  });

  it('keeps the methods asked for as groups of their own, apart from the same path\'s GETs', () => {
    const tally = tallyOf([line('POST', '/api/cart'), line('POST', '/api/cart'), line('GET', '/api/cart'), line('HEAD', '/'), line('DELETE', '/api/cart/7')], { methods: ['GET', 'POST', 'HEAD'] });
    expect(tally.top(10)).toEqual([
      { method: 'POST', url: 'https://shop.example/api/cart', name: 'POST /api/cart', weight: 2 },
      { method: 'GET', url: 'https://shop.example/api/cart', name: '/api/cart', weight: 1 },
      { method: 'HEAD', url: 'https://shop.example/', name: 'HEAD /', weight: 1 },
    ]);
    expect(Object.fromEntries(tally.skipped)).toEqual({ method: 1 });
  });

  it('leaves out assets and downloads unless asked, and says how many of each', () => {
    const lines = ['/', '/favicon.ico', '/css/site.css?v=3', '/js/app.js', '/img/a.PNG', '/fonts/x.woff2', '/docs/guide.pdf', '/dl/tool.jar', '/dl/setup.exe', '/video.mp4'].map((t) => line('GET', t));
    lines.push(line('GET', '/stream', 206));
    expect(tallyOf(lines).top(20).map((u) => u.url)).toEqual(['https://shop.example/']);
    expect(Object.fromEntries(tallyOf(lines).skipped)).toEqual({ asset: 6, download: 4 });
    expect(tallyOf(lines, { assets: true }).top(20)).toHaveLength(7);
    expect(tallyOf(lines, { assets: true, downloads: true }).top(20)).toHaveLength(11);
  });

  it('counts every odd line by its reason, and 000 as no response rather than a success', () => {
    const tally = tallyOf([
      `::1 - - ${DATE} "OPTIONS * HTTP/1.0" 200 126 "-" "Apache (internal dummy connection)"`,
      `10.0.0.1 - - ${DATE} "-" 408 0 "-" "-"`,
      `10.0.0.1 - - ${DATE} "GET /a HTTP/1.1" - 0 "-" "-"`,
      line('GET', '/gone', '000'),
      line('GET', '/ok'),
    ]);
    expect(Object.fromEntries(tally.skipped)).toEqual({ 'not a path': 1, 'no request line': 1, 'no status': 1, 'no response': 1 });
    expect(tally.top(5).map((u) => u.url)).toEqual(['https://shop.example/ok']);
  });

  it('reads a mixed file in auto; a forced format leaves the other lines out as such, and names the format they are in', () => {
    const lines = [COMMON, COMMON, `shop.example:80 ${COMBINED}`];
    expect(tallyOf(lines).top(5)[0]!.weight).toBe(3);
    const forced = tallyOf([COMMON, COMMON], { format: 'vhost' });
    expect(forced.top(5)).toEqual([]);
    expect(Object.fromEntries(forced.skipped)).toEqual({ 'other format': 2 });
    expect(forced.mostCommonFormat()).toBe('common');
    // A combined log where some lines lack referer and agent (nginx and Apache mix them) is still read as combined.
    expect(tallyOf([COMBINED, COMMON], { format: 'combined' }).top(5)[0]!.weight).toBe(2);
  });

  it('puts the paths under the base\'s own path, and escapes what would break a list line (a quote Apache logged as \\")', () => {
    const tally = tallyOf([line('GET', '/x'), line('GET', '/a\\"b'), line('GET', '/tab%09ok')], { base: 'https://host.example/app/' });
    expect(tally.top(5).map((u) => u.url).sort()).toEqual(['https://host.example/app/a%22b', 'https://host.example/app/tab%09ok', 'https://host.example/app/x']);
  });

  it("keeps a scanner's malformed escape as it stands and goes on (it stopped the whole command at that line)", () => {
    const tally = tallyOf([line('GET', '/..%c0%ae/..%c0%ae/etc/passwd'), line('GET', '/img/100%/x.html'), line('GET', '/about')]);
    expect(tally.top(10).map((entry) => entry.url).sort()).toEqual([
      'https://shop.example/..%c0%ae/..%c0%ae/etc/passwd',
      'https://shop.example/about',
      'https://shop.example/img/100%/x.html',
    ]);
    expect(tally.malformedCount).toBe(0);
  });

  it('writes a list squall run reads back: weights, names, methods, bodies and the list\'s expected statuses intact', () => {
    const text = urlListText(
      [
        { url: 'https://shop.example/', name: '/', weight: 3 },
        { url: 'https://shop.example/product/1', name: '/product/:id', weight: 2 },
        { method: 'POST', url: 'https://shop.example/api/cart', name: 'POST /api/cart', weight: 1, body: '{"id": 1}' },
        { method: 'HEAD', url: 'https://shop.example/', name: 'HEAD /', weight: 1 },
      ],
      ['from access.log'],
      { expectStatus: '2xx,3xx' },
    );
    const list = parseUrlFile(text, 'urls.txt');
    expect(list.strategy).toBe('random');
    expect(list.lines.map((l) => [l.method, l.url, l.name, l.weight, l.body, l.expect.status])).toEqual([
      ['GET', 'https://shop.example/', '/', 3, undefined, ['2xx', '3xx']],
      ['GET', 'https://shop.example/product/1', '/product/:id', 2, undefined, ['2xx', '3xx']],
      ['POST', 'https://shop.example/api/cart', 'POST /api/cart', 1, '{"id": 1}', ['2xx', '3xx']],
      ['HEAD', 'https://shop.example/', 'HEAD /', 1, undefined, ['2xx', '3xx']],
    ]);
  });
});
