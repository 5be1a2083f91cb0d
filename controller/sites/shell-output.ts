// What a command printed after a marker line of its own: the user's shell
// start-up (a .bashrc that greets, a motd-like echo) may print before it.

/** The command that prints the marker line. */
export function markerLine(marker: string): string {
  return `echo ${marker}`;
}

/** What came before the marker line in `stdout` (through the line before it), or undefined when it has not come yet. */
export function beforeMarker(stdout: string, marker: string): string | undefined {
  const line = `${marker}\n`;
  if (stdout.startsWith(line)) return '';
  const at = stdout.indexOf(`\n${line}`);
  return at < 0 ? undefined : stdout.slice(0, at + 1);
}

/** What follows the marker line in `stdout`, or undefined when it has not come yet. */
export function afterMarker(stdout: string, marker: string): string | undefined {
  const line = `${marker}\n`;
  if (stdout.startsWith(line)) return stdout.slice(line.length);
  const at = stdout.indexOf(`\n${line}`);
  return at < 0 ? undefined : stdout.slice(at + 1 + line.length);
}
