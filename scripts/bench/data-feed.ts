// What a large data file costs (issue 29): a 1,000,000-row CSV (about 100 MB)
// bundled, held by an agent, and handed out row by row.
//   npx tsx scripts/bench/data-feed.ts [rows]
// 1. bundle: the scenario importing it bundled (the CSV checked and written as JSON lines), against the same scenario without it;
// 2. memory: an agent's rows (RowFile) opened, then 200,000 rows parsed and dropped, in a process of its own;
// 3. per row: a VU worker thread asking the main thread for unique rows, leased from a lease book as the controller leases them,
//    against the same worker asking the main thread for nothing (one message round trip, the floor).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleScenario } from '../../controller/bundle.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'squall-data-feed-'));
const csv = join(dir, 'users.csv');
const out = createWriteStream(csv);
out.write('user,password,email,note\n');
for (let i = 0; i < rows; i += 1) {
  const line = `user${i},pw-user${i},user${i}@shop.example,${'x'.repeat(40)}\n`;
  if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}
await new Promise<void>((resolve) => out.end(() => resolve()));
const csvMb = statSync(csv).size / 1048576;
writeFileSync(join(dir, 'with.scenario.ts'), "import { defineScenario, feeder } from 'squall';\nimport users from './users.csv?data';\nconst next = feeder(users);\nexport default defineScenario({ async run() { await next(); } });\n");
writeFileSync(join(dir, 'without.scenario.ts'), "import { defineScenario } from 'squall';\nexport default defineScenario({ async run() {} });\n");

const timed = async (scenario: string) => {
  const started = performance.now();
  const bundle = await bundleScenario(scenario, join(dir, `out-${Date.now()}`));
  return { ms: performance.now() - started, bundle };
};
const without = await timed(join(dir, 'without.scenario.ts'));
const withData = await timed(join(dir, 'with.scenario.ts'));
const jsonl = withData.bundle.dataFiles[0]!;
console.log(`bundle: ${rows} rows, CSV ${csvMb.toFixed(1)} MB -> JSON lines ${(jsonl.size / 1048576).toFixed(1)} MB; ${(withData.ms / 1000).toFixed(2)} s (without the data ${(without.ms / 1000).toFixed(2)} s); scenario bundle ${statSync(withData.bundle.path).size} bytes`);

// Memory and per-row cost in processes of their own, so nothing of the above is counted.
const child = fileURLToPath(new URL('./data-feed-child.ts', import.meta.url));
const report = execFileSync(process.execPath, ['--import', 'tsx', child, jsonl.path, String(rows)], { encoding: 'utf8' });
process.stdout.write(report);
