// The URL list YAML format, for chains of strategies: groups of URLs, each
// with its own strategy, taken in turn by the list's. Pure; every mistake
// names the file and line.
//
//   strategy: sequence            # each walk: every group in order (or random, round-robin)
//   wait: load
//   expect-status: 2xx,3xx        # for every line without its own
//   groups:
//     - name: land
//       strategy: random          # one of these, by weight
//       urls:
//         - https://shop.example/ weight=3
//         - { url: https://shop.example/deals, name: deals, expect-text: Deals }
//     - name: buy
//       strategy: sequence        # all of these, in order
//       urls:
//         - https://shop.example/cart
//         - POST https://shop.example/api/cart body={"id":1} expect-status=200
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { InputError } from '../errors.js';
import type { UrlExpectation, UrlGroup, UrlLine, UrlList, UrlStrategy, UrlWait } from '../protocol/urls.js';
import { OriginGuard, parseUrlLine, statusesOf, strategyOf, urlLineOf, waitOf } from './url-file.js';

const LIST_KEYS = ['strategy', 'wait', 'expect-status', 'urls', 'groups'];
const GROUP_KEYS = ['name', 'strategy', 'weight', 'urls'];

export function parseUrlYaml(text: string, file: string, allowedOrigins: readonly string[] = []): UrlList {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const at = (node: Node | null | undefined) => `${file}:${node?.range ? lineCounter.linePos(node.range[0]).line : 1}`;
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new InputError(`${file}:${error.linePos?.[0].line ?? 1}: not YAML: ${error.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new InputError(`${file}: expected a URL list: { strategy, wait, groups: [...] } or { urls: [...] }`);
  checkKeys(root, LIST_KEYS, at);
  const guard = new OriginGuard(file, allowedOrigins);
  const wait: UrlWait = scalarOf(root, 'wait', at, (text, where) => waitOf(text, where)) ?? { kind: 'load' };
  const status = scalarOf(root, 'expect-status', at, (text, where) => statusesOf(text, `${where}: expect-status: ${text}`));
  const urlsNode = root.get('urls', true) as Node | undefined;
  const groupsNode = root.get('groups', true) as Node | undefined;
  if ((urlsNode === undefined) === (groupsNode === undefined)) throw new InputError(`${at(root)}: give urls: (one list) or groups: (a chain), one of them`);
  if (urlsNode) {
    const lines = linesOf(urlsNode, at, guard, status);
    return { file, strategy: scalarOf(root, 'strategy', at, strategyOf) ?? 'round-robin', wait, lines, origins: guard.origins };
  }
  if (!isSeq(groupsNode) || groupsNode.items.length === 0) throw new InputError(`${at(groupsNode)}: groups: expected a list of { name, strategy, urls }`);
  const groups: UrlGroup[] = groupsNode.items.map((item, index) => {
    if (!isMap(item)) throw new InputError(`${at(item as Node)}: a group: expected { name, strategy, urls }`);
    checkKeys(item, GROUP_KEYS, at);
    const urls = item.get('urls', true) as Node | undefined;
    if (!urls) throw new InputError(`${at(item)}: a group needs urls:`);
    const weight = scalarOf(item, 'weight', at, (text, where) => positive(text, where)) ?? 1;
    return {
      name: scalarOf(item, 'name', at, (text) => text) ?? `group ${index + 1}`,
      strategy: scalarOf(item, 'strategy', at, strategyOf) ?? 'random',
      weight,
      lines: linesOf(urls, at, guard, status),
    };
  });
  const strategy: UrlStrategy = scalarOf(root, 'strategy', at, strategyOf) ?? 'sequence';
  return { file, strategy, wait, lines: groups.flatMap((g) => g.lines), groups, origins: guard.origins };
}

/** `status`: the list's expect-status, for lines without their own. */
function linesOf(node: Node, at: (node: Node | null | undefined) => string, guard: OriginGuard, status: UrlExpectation['status']): UrlLine[] {
  if (!isSeq(node) || node.items.length === 0) throw new InputError(`${at(node)}: urls: expected a list of URLs`);
  return node.items.map((item) => {
    const where = at(item as Node);
    const line = Number(where.slice(where.lastIndexOf(':') + 1));
    let parsed: UrlLine;
    if (isScalar(item) && typeof item.value === 'string') parsed = parseUrlLine(item.value, line, where);
    else if (isMap(item)) {
      const fields = new Map<string, string>();
      for (const pair of item.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!isScalar(pair.value)) throw new InputError(`${where}: ${key}: expected a single value`);
        fields.set(key, String(pair.value.value));
      }
      const url = fields.get('url');
      if (url === undefined) throw new InputError(`${where}: expected url: and the line's keys (name, weight, expect-text, ...)`);
      const method = fields.get('method') ?? 'GET';
      fields.delete('url');
      fields.delete('method');
      parsed = urlLineOf(method, url, fields, line, where);
    } else throw new InputError(`${where}: expected a URL line or { url, ... }`);
    guard.check(parsed.url, where);
    if (status && parsed.expect.status === undefined) parsed.expect.status = status;
    return parsed;
  });
}

function checkKeys(map: YAMLMap, keys: readonly string[], at: (node: Node | null | undefined) => string): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!keys.includes(key)) throw new InputError(`${at(pair.key as Node)}: "${key}": expected one of ${keys.join(', ')}`);
  }
}

function scalarOf<T>(map: YAMLMap, key: string, at: (node: Node | null | undefined) => string, read: (text: string, where: string) => T): T | undefined {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined) return undefined;
  if (!isScalar(node) || node.value === null) throw new InputError(`${at(node)}: ${key}: expected a single value`);
  return read(String(node.value), at(node));
}

function positive(text: string, where: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InputError(`${where}: weight ${text}: expected a number above 0`);
  return value;
}
