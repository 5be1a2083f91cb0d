// npm test: the type check beside the test lanes (tsc takes one core for a few
// seconds, while the fast lane starts); fails when either fails. tsc's output
// comes after the tests', whole. Arguments go to vitest.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

const typecheck = spawn(bin('tsc'), ['--noEmit'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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
