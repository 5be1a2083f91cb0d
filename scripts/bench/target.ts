// Starts and stops the benchmark's target in its own process (target-process.ts).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const TARGET = fileURLToPath(new URL('./target-process.ts', import.meta.url));

export async function startTarget(): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(TSX, [TARGET], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  if (first.done) throw new Error('the benchmark target exited before it listened');
  const { url } = JSON.parse(String(first.value)) as { url: string };
  return {
    url,
    close: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}
