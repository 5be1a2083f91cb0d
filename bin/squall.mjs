#!/usr/bin/env node
// The installed `squall` command: runs the built CLI (npm install builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(`squall: not built yet; run "npm run build" in ${fileURLToPath(new URL('..', import.meta.url))}\n`);
  process.exit(3);
}
const { main } = await import(cli.href);
const code = await main(process.argv.slice(2));
// Exit explicitly: a stray handle (a browser pipe, a timer) must not keep a finished command alive.
process.stdout.write('', () => process.exit(code));
