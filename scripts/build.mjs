// Builds dist/cli.mjs (the controller CLI; node_modules stay external) and
// dist/agent.mjs (the agent: one self-contained file to upload to any host).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Bundled CommonJS dependencies call require(); give the ESM bundle one.
const requireShim = "import { createRequire as __squallCreateRequire } from 'node:module'; const require = __squallCreateRequire(import.meta.url);";

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: requireShim },
};

const started = Date.now();
await Promise.all([
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.mjs',
    packages: 'external',
    jsx: 'automatic',
  }),
  build({
    ...common,
    entryPoints: ['agent/main.ts'],
    outfile: 'dist/agent.mjs',
    // Optional native speed-ups of ws; it falls back to JavaScript without them.
    external: ['bufferutil', 'utf-8-validate'],
    minifySyntax: true,
  }),
]);
if (!process.argv.includes('--quiet')) console.log(`built dist/cli.mjs and dist/agent.mjs in ${Date.now() - started} ms`);
