import { describe, expect, it } from 'vitest';
import { MAX_ERROR_CLASS_CHARS, MAX_ERROR_MESSAGE_CHARS } from '../src/bounded-text.js';
import { ErrorTallyBuilder } from '../src/metrics/step-stats.js';
import { describeError } from './describe-error.js';

describe('describeError', () => {
  it('names an error by its class and first line', () => {
    class TimeoutError extends Error {
      override name = 'TimeoutError';
    }
    expect(describeError(new TimeoutError('waited 30 s\n    at somewhere'))).toEqual({ errorClass: 'TimeoutError', message: 'waited 30 s' });
    expect(describeError(new Error(''))).toEqual({ errorClass: 'Error', message: 'Error' });
    expect(describeError('a string')).toEqual({ errorClass: 'NonError', message: 'a string' });
  });

  it('bounds a huge class name and message, which a page can throw (a 17 MB name once cost a whole run)', () => {
    const error = new Error('m'.repeat(5_000_000));
    error.name = 'N'.repeat(17_000_000);
    const { errorClass, message } = describeError(error);
    expect(errorClass).toHaveLength(MAX_ERROR_CLASS_CHARS);
    expect(errorClass.endsWith('…')).toBe(true);
    expect(message).toHaveLength(MAX_ERROR_MESSAGE_CHARS);
    expect(describeError('x'.repeat(10_000)).message).toHaveLength(MAX_ERROR_MESSAGE_CHARS);
  });

  it('survives an error whose name or message is not a string', () => {
    const error = new Error('boom');
    (error as { name: unknown }).name = 42;
    (error as { message: unknown }).message = { not: 'a string' };
    expect(describeError(error)).toEqual({ errorClass: 'Error', message: 'Error' });
  });
});

describe('ErrorTallyBuilder', () => {
  it('bounds the class names it merges, from whatever agent sent them', () => {
    const tally = new ErrorTallyBuilder();
    tally.add('X'.repeat(1_000_000), 'sample');
    const [name] = Object.keys(tally.toWire());
    expect(name).toHaveLength(MAX_ERROR_CLASS_CHARS);
  });
});
