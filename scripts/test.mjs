// npm test: the type check beside the test lanes, at the lowest CPU priority
// (it takes half a minute of CPU: it gets what the tests leave idle instead of
// slowing the ones that share the machine); fails when either fails. tsc's
// output comes after the tests', whole. Arguments go to vitest.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

const typecheck = spawn(bin('tsc'), ['--noEmit'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
setPriority(typecheck.pid, 19);
let typeErrors = '';
typecheck.stdout.on('data', (data) => (typeErrors += data));
typecheck.stderr.on('data', (data) => (typeErrors += data));
const typed = new Promise((resolve) => typecheck.on('close', (code) => resolve(code ?? 1)));

const tests = spawn(bin('vitest'), ['run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const tested = new Promise((resolve) => tests.on('close', (code) => resolve(code ?? 1)));

const [typeCode, testCode] = await Promise.all([typed, tested]);
if (typeCode !== 0) process.stdout.write(`\ntype check (tsc --noEmit) failed:\n${typeErrors}`);
else process.stdout.write('\ntype check (tsc --noEmit): no errors\n');
process.exit(typeCode !== 0 ? typeCode : testCode);
