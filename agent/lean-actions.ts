// Lean page actions. Puppeteer's page.click costs 19 DevTools round trips,
// waitForSelector 8 and $eval 6: queries run in an isolated world, handles are
// moved between worlds, and every check is its own call. Each round trip costs
// CPU in Node, the browser process and the renderer, about 1 ms in all on the
// load host, and on a reference page those round trips were two fifths of the
// host's CPU. For plain CSS selectors on the main frame these versions do the
// same thing in one round trip (plus the mouse or keyboard events themselves),
// with puppeteer's results, errors and timeouts; anything else (puppeteer's
// own selector syntax, options they do not know) goes to puppeteer's own.
import { Puppeteer, TimeoutError, type ClickOptions, type ElementHandle, type JSHandle, type Page, type WaitForSelectorOptions } from 'puppeteer-core';
import * as pageSide from './lean-actions-page.js';

const { MISSING } = pageSide;
const clickTarget = pageSide.inPage(pageSide.clickTarget);
const focusMatch = pageSide.inPage(pageSide.focusMatch);
const selectMatch = pageSide.inPage(pageSide.selectMatch);
const waitForMatch = pageSide.inPage(pageSide.waitForMatch);

/** Puppeteer's built-in selector prefixes, as in `aria/Submit` or `text=Buy`. */
const PUPPETEER_HANDLERS = ['aria', 'pierce', 'xpath', 'text'];

/** The page keeps waiting this much longer than the caller, so it never gives up first. */
const PAGE_GIVE_UP_MARGIN_MS = 1000;

/** A selector `document.querySelector` reads exactly as puppeteer would: no puppeteer-only syntax. */
export function isPlainCss(selector: unknown): selector is string {
  if (typeof selector !== 'string') return false;
  if (selector.includes('::-p-') || selector.includes('>>>')) return false;
  const handlers = [...PUPPETEER_HANDLERS, ...Puppeteer.customQueryHandlerNames()];
  return !handlers.some((name) => selector.startsWith(`${name}/`) || selector.startsWith(`${name}=`));
}

/** A function's source as a function expression; puppeteer's rule for method shorthands. */
function functionSource(fn: (...args: never[]) => unknown): string | undefined {
  let source = fn.toString();
  try {
    new Function(`(${source})`);
    return source;
  } catch {
    const isAsync = source.startsWith('async ');
    if (isAsync) source = source.slice('async '.length);
    source = `${isAsync ? 'async ' : ''}function ${source}`;
    try {
      new Function(`(${source})`);
      return source;
    } catch {
      return undefined;
    }
  }
}

/** Puppeteer's message when page.click, focus, hover, select or type find nothing. */
function noElement(selector: string, error: unknown): unknown {
  return error instanceof Error && error.message === MISSING ? new Error(`No element found for selector: ${selector}`) : error;
}

/** A navigation replaced the document under the call: the wait goes on in the new one, as puppeteer's does. */
function isContextGone(error: unknown): boolean {
  return error instanceof Error && /Execution context was destroyed|Cannot find context with specified id/.test(error.message);
}

type Stock = Pick<Page, 'click' | 'hover' | 'focus' | 'type' | 'select' | '$' | '$eval' | '$$eval' | 'waitForSelector'>;

function stockActions(page: Page): Stock {
  return {
    click: page.click.bind(page),
    hover: page.hover.bind(page),
    focus: page.focus.bind(page),
    type: page.type.bind(page),
    select: page.select.bind(page),
    $: page.$.bind(page),
    $eval: page.$eval.bind(page),
    $$eval: page.$$eval.bind(page),
    waitForSelector: page.waitForSelector.bind(page),
  };
}

/** Where puppeteer would click the element, found and scrolled into view in one page call. */
async function clickPoint(page: Page, selector: string, offset: { x: number; y: number } | null): Promise<{ x: number; y: number }> {
  const target = await page.evaluate(clickTarget, selector, offset);
  if (target === 'missing') throw new Error(`No element found for selector: ${selector}`);
  if (target === 'unclickable') throw new Error('Node is either not clickable or not an Element');
  return target;
}

/** `fn` on the first match (or all matches) in one page call; undefined when `fn` cannot be sent as source. */
async function evalOn(page: Page, which: 'one' | 'all', selector: string, fn: unknown, args: unknown[]): Promise<{ value: unknown } | undefined> {
  const source = typeof fn === 'function' ? functionSource(fn as (...args: never[]) => unknown) : undefined;
  if (source === undefined) return undefined;
  const subject =
    which === 'one'
      ? `const subject = document.querySelector(selector); if (!subject) throw new Error(${JSON.stringify(MISSING)});`
      : 'const subject = Array.from(document.querySelectorAll(selector));';
  const composed = new Function('selector', '...args', `${pageSide.NAME_STUB} ${subject} return (${source})(subject, ...args);`);
  try {
    return { value: await page.evaluate(composed as (selector: string, ...args: unknown[]) => unknown, selector, ...args) };
  } catch (error) {
    if (error instanceof Error && error.message === MISSING) throw new Error(`Error: failed to find element matching selector "${selector}"`);
    throw error;
  }
}

/** Gives `page` the lean versions of its selector actions; returns it. */
export function installLeanActions(page: Page): Page {
  const stock = stockActions(page);
  const lean = {
    async click(selector: string, options: Readonly<ClickOptions> = {}) {
      if (!isPlainCss(selector) || options.debugHighlight) return stock.click(selector, options);
      const { x, y } = await clickPoint(page, selector, options.offset ?? null);
      await page.mouse.click(x, y, options);
    },
    async hover(selector: string) {
      if (!isPlainCss(selector)) return stock.hover(selector);
      const { x, y } = await clickPoint(page, selector, null);
      await page.mouse.move(x, y);
    },
    async focus(selector: string) {
      if (!isPlainCss(selector)) return stock.focus(selector);
      await page.evaluate(focusMatch, selector).catch((error: unknown) => {
        throw noElement(selector, error);
      });
    },
    async type(selector: string, text: string, options?: Parameters<Page['type']>[2]) {
      if (!isPlainCss(selector)) return stock.type(selector, text, options);
      await lean.focus(selector);
      await page.keyboard.type(text, options);
    },
    async select(selector: string, ...values: string[]) {
      if (!isPlainCss(selector) || values.some((value) => typeof value !== 'string')) return stock.select(selector, ...values);
      return page.evaluate(selectMatch, selector, values).catch((error: unknown) => {
        throw noElement(selector, error);
      });
    },
    async $(selector: string) {
      if (!isPlainCss(selector)) return stock.$(selector);
      const handle = await page.evaluateHandle((query: string) => document.querySelector(query), selector);
      return handle.asElement();
    },
    async $eval(selector: string, fn: unknown, ...args: unknown[]) {
      const result = isPlainCss(selector) ? await evalOn(page, 'one', selector, fn, args) : undefined;
      return result ? result.value : (stock.$eval as (...all: unknown[]) => Promise<unknown>)(selector, fn, ...args);
    },
    async $$eval(selector: string, fn: unknown, ...args: unknown[]) {
      const result = isPlainCss(selector) ? await evalOn(page, 'all', selector, fn, args) : undefined;
      return result ? result.value : (stock.$$eval as (...all: unknown[]) => Promise<unknown>)(selector, fn, ...args);
    },
    async waitForSelector(selector: string, options: WaitForSelectorOptions = {}) {
      if (!isPlainCss(selector)) return stock.waitForSelector(selector, options);
      return waitForSelector(page, selector, options);
    },
  };
  Object.assign(page, lean);
  return page;
}

async function waitForSelector(page: Page, selector: string, options: WaitForSelectorOptions): Promise<ElementHandle | null> {
  const { visible = false, hidden = false, timeout = page.getDefaultTimeout(), signal } = options;
  signal?.throwIfAborted();
  const wanted = visible ? true : hidden ? false : null;
  // Puppeteer polls on every frame for visibility and for pseudo-classes (:checked, :hover, ...).
  const everyFrame = wanted !== null || selector.includes(':');
  const deadline = timeout > 0 ? Date.now() + timeout : Number.POSITIVE_INFINITY;
  const failed = (cause: unknown) => {
    const error = cause instanceof TimeoutError ? new TimeoutError(`Waiting for selector \`${selector}\` failed`) : new Error(`Waiting for selector \`${selector}\` failed`);
    error.cause = cause;
    return error;
  };
  const timedOut = () => failed(new TimeoutError(`Waiting failed: ${timeout}ms exceeded`));

  const attempt = async (): Promise<ElementHandle | null> => {
    for (;;) {
      const giveUpMs = Number.isFinite(deadline) ? Math.max(1, deadline - Date.now()) + PAGE_GIVE_UP_MARGIN_MS : 0;
      let handle: JSHandle<Element | true | null>;
      try {
        handle = await page.evaluateHandle(waitForMatch, selector, wanted, everyFrame, giveUpMs);
      } catch (error) {
        if (isContextGone(error) && Date.now() < deadline) continue;
        // Puppeteer would poll a selector the page cannot parse until its timeout; say so at once.
        if (error instanceof Error && /is not a valid selector/.test(error.message)) {
          throw new Error(`Waiting for selector \`${selector}\` failed: '${selector}' is not a valid selector`, { cause: error });
        }
        throw failed(error);
      }
      const element = handle.asElement() as ElementHandle | null;
      if (element) return element;
      // true: hidden as asked, and no element; null: the page gave up.
      if (handle.remoteObject().type === 'boolean') return null;
      throw timedOut();
    }
  };

  const result = attempt();
  if (!Number.isFinite(deadline) && !signal) return result;
  return new Promise<ElementHandle | null>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => settle(() => reject(signal!.reason instanceof Error && signal!.reason.name === 'AbortError' ? signal!.reason : failed(signal!.reason)));
    const timer = Number.isFinite(deadline) ? setTimeout(() => settle(() => reject(timedOut())), deadline - Date.now()) : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    result.then(
      (element) => {
        if (settled) void element?.dispose().catch(() => {});
        else settle(() => resolve(element));
      },
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
