// Text from the target (error messages, console lines, URLs) on its way to a
// terminal: escape sequences removed (a page must not clear the user's screen,
// retitle the window or plant a hyperlink), other control characters shown
// as \xNN, so what the page sent stays readable and cannot move the cursor.
// strip-ansi (the ansi-regex maintainers' own) knows the sequence shapes,
// OSC hyperlinks and titles included.
import stripAnsi from 'strip-ansi';

// C0 but tab and newline, DEL, and C1 (0x9b alone is a CSI on some terminals).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function terminalSafe(text: string): string {
  return stripAnsi(text).replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
