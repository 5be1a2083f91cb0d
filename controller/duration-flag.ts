// A duration the user typed on the command line, or a clear error naming the flag.
import { InputError } from '../src/errors.js';
import { parseDuration } from '../src/load/duration.js';

export function durationFlag(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new InputError(`${flag} ${text}: expected a duration such as 30s, 2m or 1m30s`);
  return ms;
}
