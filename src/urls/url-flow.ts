// A URL list as a scenario: each URL a real page view in the VU's browser (or,
// for a method other than GET, a request its page makes), timed as a step and
// checked against the line's expectations. Bundled into the scenario, so it
// imports no runtime code but the scenario API's types and an event's name.
import type { HTTPResponse, Page } from 'puppeteer-core';
import type { Flow, Scenario, ScenarioContext } from '../scenario/index.js';
import type { UrlExpectation, UrlLine, UrlList, UrlWait } from '../protocol/urls.js';
import { REWRITTEN_METHOD_EVENT, type RewrittenMethod } from './rewritten-method.js';

/** A failed expectation: says which, and what was found. */
export class ExpectationFailed extends Error {
  override name = 'ExpectationFailed';
}

export function urlScenario(list: UrlList, name: string): Scenario {
  return { name, run: walker(list) };
}

/**
 * A URL list as one flow of a scenario, beside flows of code:
 * `import shop from './shop-urls.txt?urls'` (read and checked when the
 * scenario is bundled), then `flows: { browse: urlFlow(shop, { weight: 8 }) }`.
 */
export function urlFlow<F extends Omit<Flow, 'run'>>(list: UrlList, flow: F = {} as F): F & Pick<Flow, 'run'> {
  return { ...flow, run: walker(list) };
}

function walker(list: UrlList): (context: ScenarioContext) => Promise<void> {
  const picker = pickerFor(list);
  return async (context) => {
    // A sequence is one visitor's session: it starts without the previous walk's cookies and keeps its own along the list.
    if (list.strategy === 'sequence') await forgetCookies(context.page);
    for (const line of picker(context)) await view(context, line, line.wait ?? list.wait);
  };
}

/**
 * The lines an iteration views: one by weight, the VU's next in turn, or all
 * in order; a chain takes its groups so, and from each group its lines by the
 * group's own strategy, turns counted per VU and group.
 */
export function pickerFor(
  list: Pick<UrlList, 'strategy' | 'lines' | 'groups'>,
  random: () => number = Math.random,
): (context: Pick<ScenarioContext, 'iteration' | 'vu'>) => UrlLine[] {
  if (!list.groups) {
    const pick = linePicker(list.strategy, list.lines, random);
    return ({ iteration }) => pick(iteration);
  }
  const groups = list.groups.map((group) => ({ name: group.name, weight: group.weight, pick: linePicker(group.strategy, group.lines, random) }));
  const chooseGroups = linePicker(list.strategy, groups, random);
  const turns = new Map<string, number>();
  return ({ iteration, vu }) =>
    chooseGroups(iteration).flatMap((group) => {
      const key = `${vu}:${group.name}`;
      const turn = turns.get(key) ?? 0;
      turns.set(key, turn + 1);
      return group.pick(turn);
    });
}

/** `turn`: how many times this VU has taken from these items before. */
function linePicker<T extends { weight: number }>(strategy: UrlList['strategy'], items: readonly T[], random: () => number): (turn: number) => T[] {
  if (strategy === 'sequence') return () => [...items];
  if (strategy === 'round-robin') return (turn) => [items[turn % items.length]!];
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  return () => {
    let left = random() * total;
    for (const item of items) {
      left -= item.weight;
      if (left < 0) return [item];
    }
    return [items.at(-1)!];
  };
}

async function forgetCookies(page: Page): Promise<void> {
  const browserContext = page.browserContext();
  const cookies = await browserContext.cookies();
  if (cookies.length > 0) await browserContext.deleteCookie(...cookies);
}

async function view({ page, step }: ScenarioContext, line: UrlLine, wait: UrlWait): Promise<void> {
  await step(line.name, async () => {
    const response = line.method === 'GET' ? await navigate(page, line.url, wait) : await send(page, line);
    await check(page, line, response);
  });
}

async function navigate(page: Page, url: string, wait: UrlWait): Promise<HTTPResponse | null> {
  const response = await page.goto(url, { waitUntil: wait.kind === 'networkidle' ? 'networkidle0' : 'load' });
  if (wait.kind === 'selector') await page.waitForSelector(wait.selector);
  return response;
}

/** A request with a method and body, as the browser makes it (its cookies, its connection): the navigation rewritten once. */
async function send(page: Page, line: UrlLine): Promise<HTTPResponse | null> {
  await page.setRequestInterception(true);
  let rewritten = false;
  const onRequest = (request: import('puppeteer-core').HTTPRequest) => {
    if (rewritten || !request.isNavigationRequest()) return void request.continue();
    rewritten = true;
    // CDP's HTTPRequest keeps the Network domain's id in `id`; puppeteer's public type leaves it out.
    const requestId = (request as unknown as { id?: string }).id;
    if (requestId !== undefined) page.emit(REWRITTEN_METHOD_EVENT, { requestId, method: line.method } satisfies RewrittenMethod);
    const json = line.body !== undefined && /^\s*[[{]/.test(line.body);
    void request.continue({
      method: line.method,
      ...(line.body !== undefined ? { postData: line.body } : {}),
      headers: { ...request.headers(), ...(json ? { 'content-type': 'application/json' } : {}) },
    });
  };
  page.on('request', onRequest);
  try {
    return await page.goto(line.url, { waitUntil: 'load' });
  } finally {
    page.off('request', onRequest);
    await page.setRequestInterception(false);
  }
}

async function check(page: Page, line: UrlLine, response: HTTPResponse | null): Promise<void> {
  const expect: UrlExpectation = line.expect;
  if (expect.status !== undefined) {
    const status = response?.status();
    const matches = (wanted: number | string) => (typeof wanted === 'number' ? status === wanted : status !== undefined && `${Math.floor(status / 100)}xx` === wanted);
    if (!expect.status.some(matches)) throw new ExpectationFailed(`expect-status=${expect.status.join(',')}: got ${status ?? 'no response'}`);
  }
  if (expect.selector !== undefined && (await page.$(expect.selector)) === null) {
    throw new ExpectationFailed(`expect-selector=${expect.selector}: not in the page`);
  }
  if (expect.text === undefined && expect.regex === undefined) return;
  const text = await page.evaluate(() => document.body?.innerText ?? '');
  if (expect.text !== undefined && !text.includes(expect.text)) {
    throw new ExpectationFailed(`expect-text="${expect.text}": not in the page's text (${excerpt(text)})`);
  }
  if (expect.regex !== undefined) {
    const pattern = new RegExp(expect.regex.source, expect.regex.flags);
    if (!pattern.test(text)) {
      const body = response ? await response.text().catch(() => '') : '';
      if (!pattern.test(body)) throw new ExpectationFailed(`expect-regex=/${expect.regex.source}/${expect.regex.flags}: matches neither the page's text nor the response body (${excerpt(text)})`);
    }
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? 'the page has no text' : `found "${flat.length > 80 ? `${flat.slice(0, 80)}…` : flat}"`;
}
