import { describe, expect, it } from 'vitest';
import { recordingName } from './recording-file.js';

describe('a recording\'s name', () => {
  it('is its title, unless the title is one the Recorder gives every recording: then its file name', () => {
    expect(recordingName('add tea to the cart', 'tea')).toBe('add tea to the cart');
    for (const title of ['New Recording', 'new recording', '', '  ', undefined, 'Recording 12/5/2026 at 10:04:31 AM', 'Recording 05.12.2026 at 10:04:31']) {
      expect(recordingName(title, 'checkout')).toBe('checkout');
    }
    expect(recordingName('Recording studio booking', 'x')).toBe('Recording studio booking');
  });
});
