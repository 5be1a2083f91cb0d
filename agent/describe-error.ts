// What a failed step or VU says about its error: the class and the first line
// of the message, each bounded (src/bounded-text.ts), whatever a page or a
// scenario threw.
import { boundText, MAX_ERROR_CLASS_CHARS, MAX_ERROR_MESSAGE_CHARS } from '../src/bounded-text.js';

/** An error's class and first line, each bounded (src/bounded-text.ts): a page can throw anything. */
export function describeError(error: unknown): { errorClass: string; message: string } {
  try {
    return described(error);
  } catch {
    // A thrown value whose every property, and its conversion to text, throws (a null-prototype object, a hostile proxy).
    return { errorClass: 'NonError', message: '(a value that cannot be shown)' };
  }
}

function described(error: unknown): { errorClass: string; message: string } {
  if (error instanceof Error) {
    const name = typeof error.name === 'string' && error.name !== 'Error' && error.name !== '' ? error.name : error.constructor?.name || 'Error';
    const errorClass = boundText(name, MAX_ERROR_CLASS_CHARS);
    const firstLine = typeof error.message === 'string' ? (error.message.slice(0, MAX_ERROR_MESSAGE_CHARS + 1).split('\n')[0] ?? '').trim() : '';
    return { errorClass, message: boundText(firstLine, MAX_ERROR_MESSAGE_CHARS) || errorClass };
  }
  return { errorClass: 'NonError', message: boundText(String(error), MAX_ERROR_MESSAGE_CHARS) };
}
