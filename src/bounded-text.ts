// Strings a target or a scenario makes (error class names, messages) go into
// every window, the store and the report: each is bounded where it is first
// read, so a page cannot make a window too big to send (issue 26: a 17 MB
// class name made every window exceed the hub's frame cap).

/** An error class name: longer ones are not names a person reads. */
export const MAX_ERROR_CLASS_CHARS = 120;
/** One error message (its first line). */
export const MAX_ERROR_MESSAGE_CHARS = 1000;

/** `text` cut to at most `maxChars` characters, marked with "…" where it was cut. */
export function boundText(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}
