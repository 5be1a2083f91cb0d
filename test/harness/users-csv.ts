// A users.csv for the sign-in scenario (test/fixtures/login.scenario.ts), next
// to a copy of it: the demo shop accepts user N with password "pw-userN".
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from './cli.js';

/** Writes the scenario and `rows` users into `dir`; returns the scenario's path. */
export function loginScenarioWith(dir: string, rows: number): string {
  const lines = ['user,password', ...Array.from({ length: rows }, (_, i) => `user${i},pw-user${i}`)];
  writeFileSync(join(dir, 'users.csv'), lines.join('\n') + '\n');
  const scenario = join(dir, 'login.scenario.ts');
  copyFileSync(fixture('login.scenario.ts'), scenario);
  return scenario;
}
