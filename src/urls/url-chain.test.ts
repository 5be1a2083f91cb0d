import { describe, expect, it } from 'vitest';
import { parseUrlYaml } from './url-chain.js';
import { pickerFor } from './url-flow.js';

const SHOP = 'https://shop.example';
const CHAIN = `# land somewhere, then buy
strategy: sequence
wait: networkidle
groups:
  - name: land
    strategy: random
    urls:
      - ${SHOP}/ weight=3 name=home
      - { url: ${SHOP}/deals, name: deals, weight: 1, expect-text: Deals }
  - name: buy
    strategy: round-robin
    urls:
      - ${SHOP}/cart
      - POST ${SHOP}/api/cart body={"id":1} expect-status=200
`;

describe('URL chains (YAML)', () => {
  it('reads groups of lines in either form, each line numbered as in the file', () => {
    const list = parseUrlYaml(CHAIN, 'chain.yaml');
    expect(list).toMatchObject({ strategy: 'sequence', wait: { kind: 'networkidle' }, origins: [SHOP] });
    expect(list.groups!.map((g) => [g.name, g.strategy, g.lines.map((l) => [l.line, l.name, l.method, l.weight])])).toEqual([
      ['land', 'random', [[8, 'home', 'GET', 3], [9, 'deals', 'GET', 1]]],
      ['buy', 'round-robin', [[13, '/cart', 'GET', 1], [14, '/api/cart', 'POST', 1]]],
    ]);
    expect(list.groups![0]!.lines[1]!.expect).toEqual({ text: 'Deals' });
    expect(list.lines).toHaveLength(4);
  });

  it('walks a sequence of groups, each picking by its own strategy, turns kept per VU', () => {
    const list = parseUrlYaml(CHAIN, 'chain.yaml');
    const pick = pickerFor(list, () => 0.9);
    const walk = (iteration: number, vu: number) => pick({ iteration, vu }).map((l) => l.name);
    expect(walk(0, 1)).toEqual(['deals', '/cart']);
    expect(walk(1, 1)).toEqual(['deals', '/api/cart']);
    expect(walk(0, 2)).toEqual(['deals', '/cart']);
    expect(walk(2, 1)).toEqual(['deals', '/cart']);
  });

  it('names the file and line of a mistake', () => {
    const bad = (text: string) => () => parseUrlYaml(text, 'chain.yaml');
    expect(bad('groups:\n  - strategy: shuffle\n    urls: [https://a.example/]\n')).toThrow('chain.yaml:2: unknown strategy "shuffle"');
    expect(bad(`groups:\n  - urls:\n      - ${SHOP}/\n      - https://elsewhere.example/\n`)).toThrow("chain.yaml:4: https://elsewhere.example is not an allowed origin (the first line's is https://shop.example)");
    expect(bad(`urls: [${SHOP}/]\ngroups: []\n`)).toThrow('chain.yaml:1: give urls: (one list) or groups: (a chain), one of them');
    expect(bad(`strategy: random\ncolour: red\nurls: [${SHOP}/]\n`)).toThrow('chain.yaml:2: "colour": expected one of strategy, wait, expect-status, urls, groups');
    expect(bad(`groups:\n  - urls:\n      - { url: ${SHOP}/, weight: 0 }\n`)).toThrow('chain.yaml:3: weight=0: expected a number above 0');
    expect(bad('groups: [\n')).toThrow(/^chain\.yaml:\d+: not YAML: /);
    expect(bad(`urls:\n  - ${SHOP}/ nope\n`)).toThrow('chain.yaml:2: "nope": expected key=value');
  });

  it('a flat list of urls reads like the text format', () => {
    const list = parseUrlYaml(`strategy: random\nurls:\n  - ${SHOP}/a weight=2\n  - ${SHOP}/b\n`, 'flat.yaml');
    expect(list.groups).toBeUndefined();
    expect(list.lines.map((l) => [l.url, l.weight])).toEqual([[`${SHOP}/a`, 2], [`${SHOP}/b`, 1]]);
  });
});
