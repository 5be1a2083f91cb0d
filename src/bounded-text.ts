// Strings a target or a scenario makes (error class names, messages) go into
// every window, the store and the report: each is bounded where it is first
// read, so a page cannot make a window too big to send (issue 26: a 17 MB
// class name made every window exceed the hub's frame cap). Numbers a page's
// timing script reports are bounded the same way.

/** An error class name: longer ones are not names a person reads. */
export const MAX_ERROR_CLASS_CHARS = 120;
/** One error message (its first line). */
export const MAX_ERROR_MESSAGE_CHARS = 1000;

/** `text` cut to at most `maxChars` characters, marked with "…" where it was cut. */
export function boundText(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

/** The most a timing or vital can be: past it (11 days in ms) a value is the page's invention. */
export const MAX_MEASURE = 1e9;

/** A timing or vital as a window can carry it; undefined for NaN, infinities and negatives (a page can report anything). */
export function saneMeasure(value: number): number | undefined {
  return Number.isFinite(value) && value >= 0 ? Math.min(value, MAX_MEASURE) : undefined;
}

/** The most bytes one response can count for (a terabyte): sums of many stay exact integers. */
export const MAX_BYTES = 1e12;

/** A response's size as a window can carry it: a whole number of bytes, 0 for nonsense. */
export function saneBytes(value: number): number {
  return Number.isFinite(value) && value >= 0 ? Math.min(Math.floor(value), MAX_BYTES) : 0;
}
