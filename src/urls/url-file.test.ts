import { describe, expect, it } from 'vitest';
import { seededRandom } from '../load/arrival.js';
import { parseUrlFile } from './url-file.js';
import { pickerFor } from './url-flow.js';

const SHOP = 'https://shop.example';

describe('the URL list text format', () => {
  it('reads options, lines with their fields, quotes, and names a line by its normalised path', () => {
    const list = parseUrlFile(
      [
        '# a comment',
        '# strategy: random',
        '# wait: selector #app li',
        '',
        `${SHOP}/  name=home weight=3 expect-text="Add to cart" expect-status=200`,
        `${SHOP}/product/42?ref=x  wait=networkidle expect-regex=/\\"id\\":\\s*42/i expect-selector=#buy`,
        `POST ${SHOP}/api/cart  body={"id":42}`,
      ].join('\n'),
      'urls.txt',
    );
    expect(list).toMatchObject({ file: 'urls.txt', strategy: 'random', wait: { kind: 'selector', selector: '#app li' }, origins: [SHOP] });
    expect(list.lines).toEqual([
      { line: 5, url: `${SHOP}/`, method: 'GET', name: 'home', weight: 3, expect: { text: 'Add to cart', status: [200] } },
      { line: 6, url: `${SHOP}/product/42?ref=x`, method: 'GET', name: '/product/:id', weight: 1, wait: { kind: 'networkidle' }, expect: { regex: { source: '"id":\\s*42', flags: 'i' }, selector: '#buy' } },
      { line: 7, url: `${SHOP}/api/cart`, method: 'POST', body: '{"id":42}', name: '/api/cart', weight: 1, expect: {} },
    ]);
  });

  it('names the file and line of every mistake', () => {
    const bad = (text: string, allow?: string[]) => () => parseUrlFile(text, 'urls.txt', allow);
    expect(bad(`${SHOP}/\nnot a url`)).toThrow('urls.txt:2: "not" is not a URL; expected one such as https://shop.example/');
    expect(bad(`# strategy: shuffle\n${SHOP}/`)).toThrow('urls.txt:1: unknown strategy "shuffle"; expected random, round-robin, sequence');
    expect(bad(`${SHOP}/ weight=0`)).toThrow('urls.txt:1: weight=0: expected a number above 0');
    expect(bad(`${SHOP}/ weight=x`)).toThrow('urls.txt:1: weight=x: expected a number above 0');
    expect(bad(`${SHOP}/ colour=red`)).toThrow('urls.txt:1: "colour=red": expected key=value with a key of name, weight');
    expect(bad(`${SHOP}/ expect-text="open`)).toThrow('urls.txt:1: a " is not closed');
    expect(bad(`${SHOP}/ body=x`)).toThrow('urls.txt:1: body= needs a method other than GET');
    expect(bad(`${SHOP}/\n# wait: load`)).toThrow('urls.txt:2: "# wait:" must come before the first URL');
    expect(bad('# only comments\n')).toThrow('urls.txt: no URL in the file');
    expect(bad(`ftp://files.example/x`)).toThrow('urls.txt:1: "ftp://files.example/x": expected an http or https URL');
    expect(bad(`${SHOP}/ expect-regex=/(/`)).toThrow(/^urls\.txt:1: expect-regex=\/\(\/: Invalid regular expression/);
  });

  it("refuses an origin other than the first line's unless it is allowed", () => {
    const text = `${SHOP}/\nhttps://shop.exampel/cart`;
    expect(() => parseUrlFile(text, 'urls.txt')).toThrow(
      "urls.txt:2: https://shop.exampel is not an allowed origin (the first line's is https://shop.example); add --allow-origin https://shop.exampel if the load is meant for it",
    );
    expect(parseUrlFile(text, 'urls.txt', [SHOP, 'https://shop.exampel']).origins).toEqual([SHOP, 'https://shop.exampel']);
    // --allow-origin adds to the first line's origin, as its help says; it does not replace it.
    expect(parseUrlFile(text, 'urls.txt', ['https://shop.exampel']).origins).toEqual([SHOP, 'https://shop.exampel']);
    expect(parseUrlFile(`${SHOP}/\nhttps://cdn.example/x`, 'urls.txt', ['https://cdn.example']).origins).toEqual([SHOP, 'https://cdn.example']);
    expect(() => parseUrlFile(`${text}\nhttps://other.example/`, 'urls.txt', ['https://shop.exampel'])).toThrow(
      "urls.txt:3: https://other.example is not an allowed origin (the first line's is https://shop.example, --allow-origin adds https://shop.exampel)",
    );
  });

  it('expects statuses by code or class, per line or for the whole list', () => {
    const list = parseUrlFile(`# expect-status: 2xx,3xx\n${SHOP}/\n${SHOP}/gone expect-status=404,410\n${SHOP}/ok expect-status=200`, 'urls.txt');
    expect(list.lines.map((l) => l.expect.status)).toEqual([['2xx', '3xx'], [404, 410], [200]]);
    expect(() => parseUrlFile(`${SHOP}/ expect-status=2xy`, 'urls.txt')).toThrow('urls.txt:1: expect-status=2xy: expected HTTP statuses or classes, comma-separated, such as 200 or 2xx,3xx');
    expect(() => parseUrlFile(`# expect-status: 99\n${SHOP}/`, 'urls.txt')).toThrow('urls.txt:1: # expect-status: 99: expected HTTP statuses');
  });
});

describe('URL strategies', () => {
  const lines = parseUrlFile(`${SHOP}/a weight=3\n${SHOP}/b\n${SHOP}/c weight=6`, 'urls.txt').lines;

  it('round-robin: each iteration of a VU the next line; sequence: every line in order', () => {
    const next = pickerFor({ strategy: 'round-robin', lines });
    expect([0, 1, 2, 3, 4].map((iteration) => next({ iteration, vu: 1 })[0]!.url)).toEqual(['a', 'b', 'c', 'a', 'b'].map((p) => `${SHOP}/${p}`));
    expect(pickerFor({ strategy: 'sequence', lines })({ iteration: 7, vu: 1 }).map((l) => l.url)).toEqual(lines.map((l) => l.url));
  });

  it('random: by weight, within 5 % of the weights over 1,000 views', () => {
    const pick = pickerFor({ strategy: 'random', lines }, seededRandom(7));
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i += 1) {
      const url = pick({ iteration: i, vu: 1 })[0]!.url;
      counts.set(url, (counts.get(url) ?? 0) + 1);
    }
    for (const [path, share] of [['a', 0.3], ['b', 0.1], ['c', 0.6]] as const) {
      expect(Math.abs(counts.get(`${SHOP}/${path}`)! / 1000 - share)).toBeLessThan(0.05);
    }
  });
});
