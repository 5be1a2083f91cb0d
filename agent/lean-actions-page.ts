// Functions that run inside the page, one DevTools round trip each, for the
// lean page actions (lean-actions.ts). Puppeteer sends them as source text:
// each must be self-contained, referring to nothing outside its own body.

/** The `__name` helper that builds keeping function names call, for source composed to run in the page. */
export const NAME_STUB = 'const __name = (target) => target;';

/**
 * `fn` as a function puppeteer can send whatever compiled this file: builds
 * that keep function names (tsx does) wrap inner functions in a `__name`
 * helper the page does not have.
 */
export function inPage<F extends (...args: never[]) => unknown>(fn: F): F {
  return new Function('...args', `${NAME_STUB} return (${fn.toString()})(...args);`) as F;
}

/** Thrown in the page when the selector matches nothing; the Node side turns it into puppeteer's own error. */
export const MISSING = '__squall_no_element__';

export type ClickTarget = { x: number; y: number } | 'missing' | 'unclickable';

/**
 * Finds the element, scrolls it into view unless it is fully visible, and
 * returns the point puppeteer would click: the centre (or `offset` from the
 * corner) of its first client rect that keeps at least 1x1 px inside the
 * viewport. Scrolling is instant, whatever the page's scroll-behavior, so
 * the rects read afterwards are where the element is.
 */
export function clickTarget(selector: string, offset: { x: number; y: number } | null): ClickTarget {
  const element = document.querySelector(selector);
  if (!element) return 'missing';
  const fullyVisible = (rect: DOMRect): boolean => {
    if (rect.top < 0 || rect.left < 0 || rect.bottom > window.innerHeight || rect.right > window.innerWidth) return false;
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const clip = parent.getBoundingClientRect();
      if (rect.top < clip.top || rect.left < clip.left || rect.bottom > clip.bottom || rect.right > clip.right) return false;
    }
    return true;
  };
  if (!fullyVisible(element.getBoundingClientRect())) {
    element.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  }
  const width = document.documentElement.clientWidth;
  const height = document.documentElement.clientHeight;
  const rects = element.getClientRects();
  for (let index = 0; index < rects.length; index += 1) {
    const rect = rects[index]!;
    // Puppeteer's intersection of a box with the frame, to the letter.
    const box = {
      x: Math.max(rect.x, 0),
      y: Math.max(rect.y, 0),
      width: Math.max(rect.x >= 0 ? Math.min(width - rect.x, rect.width) : Math.min(width, rect.width + rect.x), 0),
      height: Math.max(rect.y >= 0 ? Math.min(height - rect.y, rect.height) : Math.min(height, rect.height + rect.y), 0),
    };
    if (box.width >= 1 && box.height >= 1) {
      return offset ? { x: box.x + offset.x, y: box.y + offset.y } : { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
  }
  return 'unclickable';
}

/**
 * Resolves with the first element matching `selector` (with `visible`: a
 * visible one; with `visible === false`: the element if it is hidden, or true
 * if there is none), as puppeteer's waitForSelector decides it. Checks after
 * every DOM mutation, and on every animation frame when `everyFrame`
 * (visibility and pseudo-classes change without mutations). Gives up with
 * null after `giveUpMs`, so nothing is left observing in the page.
 */
export function waitForMatch(selector: string, visible: boolean | null, everyFrame: boolean, giveUpMs: number): Promise<Element | true | null> {
  const check = (): Element | true | null => {
    const node = document.querySelector(selector);
    if (visible === null) return node;
    if (!node) return visible ? null : true;
    const style = getComputedStyle(node);
    const rect = node.getBoundingClientRect();
    const isVisible = style.visibility !== 'hidden' && style.visibility !== 'collapse' && rect.width !== 0 && rect.height !== 0;
    return isVisible === visible ? node : null;
  };
  return new Promise((resolve) => {
    const first = check();
    if (first) return resolve(first);
    let done = false;
    const finish = (value: Element | true | null) => {
      done = true;
      observer.disconnect();
      clearTimeout(timer);
      resolve(value);
    };
    const observer = new MutationObserver(() => {
      const found = check();
      if (found) finish(found);
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
    const timer = giveUpMs > 0 ? setTimeout(() => finish(null), giveUpMs) : undefined;
    if (everyFrame) {
      const onFrame = () => {
        if (done) return;
        const found = check();
        if (found) finish(found);
        else requestAnimationFrame(onFrame);
      };
      requestAnimationFrame(onFrame);
    }
  });
}

export function focusMatch(selector: string): void {
  const element = document.querySelector(selector);
  if (!element) throw new Error('__squall_no_element__');
  if (!(element instanceof HTMLElement)) throw new Error('Cannot focus non-HTMLElement');
  element.focus();
}

/** Puppeteer's ElementHandle.select, on the first match. */
export function selectMatch(selector: string, values: string[]): string[] {
  const element = document.querySelector(selector);
  if (!element) throw new Error('__squall_no_element__');
  if (!(element instanceof HTMLSelectElement)) throw new Error('Element is not a <select> element.');
  const wanted = new Set(values);
  const selected = new Set<string>();
  const options = Array.from(element.options);
  if (!element.multiple) {
    for (const option of options) option.selected = false;
    for (const option of options) {
      if (wanted.has(option.value)) {
        option.selected = true;
        selected.add(option.value);
        break;
      }
    }
  } else {
    for (const option of options) {
      option.selected = wanted.has(option.value);
      if (option.selected) selected.add(option.value);
    }
  }
  element.dispatchEvent(new Event('input', { bubbles: true }));
  element.dispatchEvent(new Event('change', { bubbles: true }));
  return [...selected];
}
