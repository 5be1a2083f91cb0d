// A target URL as messages show it: a user:password in it is the target's
// secret, so the user is masked and the password left out.

export function shownUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return parsed.href;
  parsed.username = '***';
  parsed.password = '';
  return parsed.href;
}
