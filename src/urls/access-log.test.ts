import { describe, expect, it } from 'vitest';
import { LogTally, parseLogLine } from './access-log.js';
import { parseUrlFile, urlListText } from './url-file.js';

const COMMON = '10.0.0.1 - frank [10/Oct/2026:13:55:36 -0700] "GET /product/42?ref=mail HTTP/1.1" 200 2326';
const COMBINED = `${COMMON} "https://shop.example/" "Mozilla/5.0 (X11)"`;

describe('access logs', () => {
  it('reads a request from the common and the combined format', () => {
    expect(parseLogLine(COMMON, 'common')).toEqual({ method: 'GET', target: '/product/42?ref=mail', status: 200 });
    expect(parseLogLine(COMBINED, 'combined')).toEqual({ method: 'GET', target: '/product/42?ref=mail', status: 200 });
    expect(parseLogLine(COMMON, 'combined')).toBeUndefined();
    expect(parseLogLine('10.0.0.1 - - [10/Oct/2026:13:55:36 -0700] "-" 408 -', 'common')).toBeUndefined();
  });

  it('counts successful requests of the kept methods by normalised path, the most asked first, and names malformed lines', () => {
    const tally = new LogTally({ format: 'common', methods: ['GET'], origin: 'https://shop.example' });
    const line = (method: string, target: string, status = 200) => `1.2.3.4 - - [10/Oct/2026:13:55:36 -0700] "${method} ${target} HTTP/1.1" ${status} 10`;
    for (const target of ['/product/1', '/product/1', '/product/2?x=1', '/', '/', '/', '/cart']) tally.add(line('GET', target));
    tally.add(line('POST', '/cart'));
    tally.add(line('GET', '/missing', 404));
    tally.add('not a log line');
    tally.add('');
    tally.add('also "broken');
    expect(tally.top(10)).toEqual([
      { url: 'https://shop.example/', name: '/', weight: 3 },
      { url: 'https://shop.example/product/1', name: '/product/:id', weight: 3 },
      { url: 'https://shop.example/cart', name: '/cart', weight: 1 },
    ]);
    expect(tally.top(1)).toHaveLength(1);
    expect({ lines: tally.lines, malformed: tally.malformedCount, first: tally.malformed, skipped: tally.skipped }).toEqual({ lines: 12, malformed: 2, first: [10, 12], skipped: 2 });
  });

  it("keeps a scanner's malformed escape as it stands and goes on (it stopped the whole command at that line)", () => {
    const tally = new LogTally({ format: 'common', methods: ['GET'], origin: 'https://shop.example' });
    const line = (target: string) => `1.2.3.4 - - [10/Oct/2026:13:55:36 -0700] "GET ${target} HTTP/1.1" 200 10`;
    tally.add(line('/..%c0%ae/..%c0%ae/etc/passwd'));
    tally.add(line('/img/100%/x.png'));
    tally.add(line('/about'));
    expect(tally.top(10).map((entry) => entry.url).sort()).toEqual([
      'https://shop.example/..%c0%ae/..%c0%ae/etc/passwd',
      'https://shop.example/about',
      'https://shop.example/img/100%/x.png',
    ]);
    expect(tally.malformedCount).toBe(0);
  });

  it('writes a list squall run reads back, weights and names intact', () => {
    const text = urlListText([{ url: 'https://shop.example/', name: '/', weight: 3 }, { url: 'https://shop.example/product/1', name: '/product/:id', weight: 2 }], ['from access.log']);
    const list = parseUrlFile(text, 'urls.txt');
    expect(list.strategy).toBe('random');
    expect(list.lines.map((l) => [l.url, l.name, l.weight])).toEqual([
      ['https://shop.example/', '/', 3],
      ['https://shop.example/product/1', '/product/:id', 2],
    ]);
  });
});
