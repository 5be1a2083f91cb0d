import { describe, expect, it } from 'vitest';
import { recordingName } from './recording-file.js';
import { stepTimeoutOf } from './recording.js';
import type { Schema } from '@puppeteer/replay';

describe("a recording step's timeout", () => {
  it("is replay's own 5 s unless the step or the recording gives one", () => {
    const step = { type: 'waitForElement', selectors: [['#x']] } as unknown as Schema.Step;
    expect(stepTimeoutOf(step, { title: 't', steps: [step] })).toBe(5000);
    expect(stepTimeoutOf(step, { title: 't', timeout: 1500, steps: [step] })).toBe(1500);
    expect(stepTimeoutOf({ ...step, timeout: 700 } as Schema.Step, { title: 't', timeout: 1500, steps: [step] })).toBe(700);
  });
});

describe('a recording\'s name', () => {
  it('is its title, unless the title is one the Recorder gives every recording: then its file name', () => {
    expect(recordingName('add tea to the cart', 'tea')).toBe('add tea to the cart');
    for (const title of ['New Recording', 'new recording', '', '  ', undefined, 'Recording 12/5/2026 at 10:04:31 AM', 'Recording 05.12.2026 at 10:04:31']) {
      expect(recordingName(title, 'checkout')).toBe('checkout');
    }
    expect(recordingName('Recording studio booking', 'x')).toBe('Recording studio booking');
  });
});
