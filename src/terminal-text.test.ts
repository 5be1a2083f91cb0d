import { describe, expect, it } from 'vitest';
import { terminalSafe } from './terminal-text.js';

describe('terminalSafe', () => {
  it.each([
    ['clear screen and home', 'boom\x1b[2J\x1b[H!', 'boom!'],
    ['window title (OSC, BEL-terminated)', '\x1b]0;pwned\x07title', 'title'],
    ['hyperlink (OSC 8, ST-terminated)', '\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['colours', '\x1b[31mred\x1b[0m', 'red'],
    ['a carriage return that would overwrite the line', 'ok\rFAIL', 'ok\\x0dFAIL'],
    ['backspace and a lone bell', 'a\x08b\x07', 'a\\x08b\\x07'],
    ['a C1 CSI sequence', 'x\x9b2Jy', 'xy'],
    ['a lone C1 control', 'x\x85y', 'x\\x85y'],
    ['tabs and newlines kept', 'a\tb\nc', 'a\tb\nc'],
    ['plain text, unicode included', 'Größe 100% → ok', 'Größe 100% → ok'],
  ])('%s', (_name, input, output) => {
    expect(terminalSafe(input)).toBe(output);
  });
});
