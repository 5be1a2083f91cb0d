// A secret with characters every encoding changes, the forms it takes on its
// way through a page and squall, and every file under a folder: what a test
// greps for a leak.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET = 'Sk-9f3/a+b=c&d e';

export function secretForms(value = SECRET): string[] {
  const component = encodeURIComponent(value);
  return [...new Set([value, component, encodeURI(value), component.replace(/%20/g, '+'), JSON.stringify(value).slice(1, -1), value.replace(/ /g, '%20'), 'Sk-9f3'])];
}

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
