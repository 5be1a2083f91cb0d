// Builds dist/cli.mjs (the controller CLI; node_modules stay external; what only
// some commands need, the dashboard and Chromium's driver, in dist/cli-chunks/,
// loaded when used, so every command starts in a fraction of a second),
// dist/fetch-browser.mjs (Chrome for Testing fetched on a host that has no Chromium),
// dist/agent.mjs (the agent: one self-contained file to upload to any host)
// and dist/demo-shop.mjs (squall calibrate's target, uploaded beside it).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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

/** `debug` imported by the agent's dependencies resolves to agent/debug-once.mjs (one logger per namespace). */
const debugOnce = {
  name: 'debug-once',
  setup(builder) {
    builder.onResolve({ filter: /^debug$/ }, (args) => (args.importer.endsWith('debug-once.mjs') ? undefined : { path: join(root, 'agent', 'debug-once.mjs') }));
  },
};

/**
 * What the agent never runs of puppeteer-core and @puppeteer/browsers (WebDriver BiDi, browser
 * downloads through proxy agents and a PAC interpreter) resolves to agent/lean-bundle.mjs: the
 * bundle went from 4.8 MB to 1.9 MB, and each agent and VU worker thread parses it at start.
 */
const leanBundle = {
  name: 'lean-bundle',
  setup(builder) {
    const lean = join(root, 'agent', 'lean-bundle.mjs');
    builder.onResolve({ filter: /^@puppeteer\/browsers$/ }, () => ({ path: lean }));
    builder.onResolve({ filter: /^proxy-agent$/ }, () => ({ path: lean }));
    builder.onResolve({ filter: /\/bidi\/(BrowserConnector|bidi)\.js$/ }, (args) => (args.importer.includes('puppeteer-core') ? { path: lean } : undefined));
  },
};

const started = Date.now();
const [cli] = await Promise.all([
  build({
    ...common,
    metafile: true,
    entryPoints: { cli: 'controller/cli/main.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'cli-chunks/[name]-[hash]',
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
    // Error classes are named by their constructor (puppeteer's TimeoutError): without this, the
    // bundle's renaming of same-named classes showed in reports as "TimeoutError2".
    keepNames: true,
    plugins: [debugOnce, leanBundle],
  }),
]);
// Chunks are named by their content: those of earlier builds would pile up. Removed once this
// build has written its own, so a failed build leaves the last good one whole.
const chunks = join(root, 'dist', 'cli-chunks');
const written = new Set(Object.keys(cli.metafile.outputs).map((output) => join(root, output)));
for (const name of readdirSync(chunks)) if (!written.has(join(chunks, name))) rmSync(join(chunks, name));
if (!process.argv.includes('--quiet')) console.log(`built dist/cli.mjs, dist/agent.mjs, dist/demo-shop.mjs and dist/fetch-browser.mjs in ${Date.now() - started} ms`);
