// Builds dist/cli.mjs (the controller CLI; node_modules stay external),
// dist/fetch-browser.mjs (Chrome for Testing fetched on a host that has no Chromium),
// dist/agent.mjs (the agent: one self-contained file to upload to any host)
// and dist/demo-shop.mjs (squall calibrate's target, uploaded beside it).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Bundled CommonJS dependencies call require(); give the ESM bundle one.
const requireShim = "import { createRequire as __squallCreateRequire } from 'node:module'; const require = __squallCreateRequire(import.meta.url);";

// The page collector's copy of web-vitals, inlined: agent/page-metrics/web-vitals-source.ts
// reads it from node_modules, which a load host does not have.
const webVitalsInline = {
  name: 'web-vitals-inline',
  setup(builder) {
    builder.onLoad({ filter: /web-vitals-source\.ts$/ }, () => {
      const dist = dirname(createRequire(import.meta.url).resolve('web-vitals'));
      const text = readFileSync(join(dist, 'web-vitals.iife.js'), 'utf8');
      return { contents: `export const WEB_VITALS_IIFE = ${JSON.stringify(text)};`, loader: 'js' };
    });
  },
};

const common = {
  plugins: [webVitalsInline],
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
    entryPoints: ['controller/cli/main.ts'],
    outfile: 'dist/cli.mjs',
    packages: 'external',
    jsx: 'automatic',
  }),
  build({
    ...common,
    // squall calibrate's target, run on each host beside the agent.
    entryPoints: ['controller/demo/shop-main.ts'],
    outfile: 'dist/demo-shop.mjs',
    minifySyntax: true,
  }),
  build({
    ...common,
    // Chrome for Testing's headless shell, fetched on a host that cannot install Chromium otherwise.
    entryPoints: ['agent/fetch-browser-main.ts'],
    outfile: 'dist/fetch-browser.mjs',
    minifySyntax: true,
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
if (!process.argv.includes('--quiet')) console.log(`built dist/cli.mjs, dist/agent.mjs, dist/demo-shop.mjs and dist/fetch-browser.mjs in ${Date.now() - started} ms`);
