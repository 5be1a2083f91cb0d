// Bundles a scenario file (TypeScript or JavaScript, anywhere on disk) into
// one ESM file an agent can import: 'squall' resolves to our own API, so the
// user's folder needs no install.
import { build, type BuildFailure, type Message, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import type { UrlList } from '../src/protocol/urls.js';
import { parseUrlFile } from '../src/urls/url-file.js';
import { parseUrlYaml } from '../src/urls/url-chain.js';
import { InputError } from '../src/errors.js';
import { makeDirectory } from './files.js';
import { writeDataFile } from './data-files.js';
import { AGENT_BUNDLE, PACKAGE_ROOT, RECORDING_FLOW, SCENARIO_API, URL_FLOW } from './paths.js';
import type { SiteFile } from './sites/site.js';

export interface ScenarioBundle {
  /** absolute path of the bundle on this machine */
  path: string;
  /** sha256 of its content: names it, so an upload can be skipped when the host has it */
  hash: string;
  /** the file name the user gave, for messages */
  displayPath: string;
  /** its data files (`?data` imports) as JSON lines beside it: every host gets them with the bundle */
  dataFiles: SiteFile[];
}

function describe(message: Message, cwd: string): string {
  const where = message.location
    ? `${relative(cwd, resolve(cwd, message.location.file)) || message.location.file}:${message.location.line}:${message.location.column + 1}: `
    : '';
  return `${where}${message.text}`;
}

export interface BundleOptions {
  /** a URL list's origins besides its first line's (--allow-origin) */
  allowOrigins?: readonly string[];
  /** squall check: a URL list's one iteration views every line, in order */
  everyUrl?: boolean;
}

/** A URL list (.txt, .yaml) or a Chrome Recorder recording (.json) becomes a scenario of its own (src/urls/url-flow.ts) with its lines inside; anything else is the user's module. */
export async function bundleScenario(scenarioPath: string, outDir: string, cwd = process.cwd(), options: BundleOptions = {}): Promise<ScenarioBundle> {
  const absolute = resolve(cwd, scenarioPath);
  if (!existsSync(absolute)) throw new InputError(`${scenarioPath}: no such scenario file`);
  if (!statSync(absolute).isFile()) throw new InputError(`${scenarioPath}: is not a file`);
  const generated = isUrlList(absolute) ? urlScenarioSource(absolute, scenarioPath, options) : isRecording(absolute) ? await recordingScenarioSource(absolute, scenarioPath, options) : undefined;
  if (generated === undefined) refuseRecorderScript(absolute, scenarioPath);
  const entry = generated !== undefined ? { stdin: { contents: generated, resolveDir: PACKAGE_ROOT, sourcefile: scenarioPath, loader: 'js' as const } } : { entryPoints: [absolute] };
  let code: Uint8Array;
  const dataFiles: SiteFile[] = [];
  makeDirectory(outDir);
  try {
    const result = await build({
      ...entry,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      outfile: join(outDir, 'scenario.mjs'),
      sourcemap: 'inline',
      logLevel: 'silent',
      alias: { squall: SCENARIO_API },
      plugins: [urlListImports(options), dataImports(outDir, dataFiles)],
      // The scenario receives its page; puppeteer itself never needs to be in the bundle, nor
      // the Lighthouse that @puppeteer/replay (a recording) loads only for its audit steps.
      external: ['puppeteer-core', 'puppeteer', 'lighthouse'],
    });
    code = result.outputFiles.find((file) => file.path.endsWith('.mjs'))!.contents;
  } catch (error) {
    const failure = error as BuildFailure;
    const first = failure.errors?.[0];
    throw new InputError(first ? `${describe(first, cwd)} (while bundling ${scenarioPath})` : `${scenarioPath}: ${String(error)}`);
  }
  const hash = createHash('sha256').update(code).digest('hex');
  makeDirectory(outDir);
  const path = join(outDir, `scenario-${hash.slice(0, 16)}.mjs`);
  writeFileSync(path, code);
  return { path, hash, displayPath: scenarioPath, dataFiles };
}

/**
 * The Recorder's other exports are scripts that launch their own browser
 * (`puppeteer.launch`, or @puppeteer/replay's `createRunner` without a page):
 * as a scenario they fail deep in the run ("Dynamic require of puppeteer").
 */
function refuseRecorderScript(absolute: string, shownPath: string): void {
  const text = readFileSync(absolute, 'utf8');
  const puppeteerScript = /(require\(\s*['"]puppeteer['"]\s*\)|from\s+['"]puppeteer['"])/.test(text) && /puppeteer\.launch\s*\(/.test(text);
  const replayScript = /from\s+['"]@puppeteer\/replay['"]|require\(\s*['"]@puppeteer\/replay['"]\s*\)/.test(text) && /createRunner\s*\(/.test(text);
  if (puppeteerScript || replayScript) {
    throw new InputError(`${shownPath}: a script that launches its own browser (a Chrome Recorder ${puppeteerScript ? 'Puppeteer' : '@puppeteer/replay'} export?); export the recording as JSON instead (Recorder: Export → JSON) and run the .json, or write a scenario with defineScenario`);
  }
}

/** .txt: the text format; .yaml or .yml: the YAML one, for chains of strategies. */
export function isUrlList(path: string): boolean {
  return ['.txt', '.yaml', '.yml'].includes(extname(path).toLowerCase());
}

/** The URL list read and checked here, so a bad line fails before anything starts; the scenario carries it parsed. */
function urlScenarioSource(absolute: string, shownPath: string, options: BundleOptions): string {
  const parsed = readUrlList(absolute, shownPath, options.allowOrigins);
  // squall check: every line once, in order, chain or not.
  const { groups: _groups, ...flat } = parsed;
  const list = options.everyUrl ? { ...flat, strategy: 'sequence' as const } : parsed;
  return `import { urlScenario } from ${JSON.stringify(URL_FLOW)};
export default urlScenario(${JSON.stringify(list)}, ${JSON.stringify(basename(absolute, extname(absolute)))});
`;
}

/** A URL list in the format its name says: .txt the text one, else YAML. */
function readUrlList(path: string, shownPath: string, allowOrigins: readonly string[] = []): UrlList {
  const parse = extname(path).toLowerCase() === '.txt' ? parseUrlFile : parseUrlYaml;
  return parse(readFileSync(path, 'utf8'), shownPath, allowOrigins);
}

/**
 * `import users from './users.csv?data'` in a scenario: the file checked and
 * written as JSON lines into `outDir` now; the module's default export is a
 * handle on it (name, file, rows) for feeder(), not its rows.
 */
function dataImports(outDir: string, dataFiles: SiteFile[]): Plugin {
  return {
    name: 'squall-data',
    setup(build) {
      build.onResolve({ filter: /\?data$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -'?data'.length)), namespace: 'squall-data' }));
      build.onLoad({ filter: /.*/, namespace: 'squall-data' }, async (args) => {
        const shown = relative(process.cwd(), args.path) || args.path;
        const written = await writeDataFile(args.path, shown, outDir);
        if (!dataFiles.some((file) => file.name === written.name)) dataFiles.push({ name: written.name, path: written.path, hash: written.hash, size: written.size });
        const handle = { __squallData: 1, name: basename(args.path), file: written.name, rows: written.rows };
        return { contents: `export default ${JSON.stringify(handle)};`, loader: 'js' };
      });
    },
  };
}

/** `import shop from './shop-urls.txt?urls'` in a scenario: the list, read and checked now, as the module's default export. */
function urlListImports(options: BundleOptions): Plugin {
  return {
    name: 'squall-url-lists',
    setup(build) {
      build.onResolve({ filter: /\?urls$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -'?urls'.length)), namespace: 'squall-urls' }));
      build.onLoad({ filter: /.*/, namespace: 'squall-urls' }, (args) => {
        if (!existsSync(args.path)) return { errors: [{ text: `no such URL list ${args.path}` }] };
        try {
          const list = readUrlList(args.path, relative(process.cwd(), args.path) || args.path, options.allowOrigins);
          return { contents: `export default ${JSON.stringify(list)};`, loader: 'js' };
        } catch (error) {
          return { errors: [{ text: (error as Error).message }] };
        }
      });
    },
  };
}

export function isRecording(path: string): boolean {
  return extname(path).toLowerCase() === '.json';
}

/** A Chrome Recorder recording, checked here (its steps, its origins), run by @puppeteer/replay inside the scenario. */
async function recordingScenarioSource(absolute: string, shownPath: string, options: BundleOptions): Promise<string> {
  // @puppeteer/replay is loaded only for recordings: every other command starts without it.
  const { readRecording, recordingName } = await import('../src/urls/recording-file.js');
  const flow = readRecording(readFileSync(absolute, 'utf8'), shownPath, options.allowOrigins);
  return `import { recordingScenario } from ${JSON.stringify(RECORDING_FLOW)};\nexport default recordingScenario(${JSON.stringify(flow)}, ${JSON.stringify(recordingName(flow.title, basename(absolute, extname(absolute))))});\n`;
}

/** A bundle `npm run build` makes is there, or the user is told how to make it. */
export function requireBuilt(path: string, what: string): void {
  if (!existsSync(path)) throw new InputError(`the ${what} ${path} is missing; run "npm run build" in ${PACKAGE_ROOT}`);
}

/** One of our built bundles as a file a site can be sent: named by its content hash. */
export function builtFile(path: string, name: string, what: string): SiteFile {
  requireBuilt(path, what);
  const content = readFileSync(path);
  return { name, path, hash: createHash('sha256').update(content).digest('hex'), size: content.length };
}

/** The single-file agent every host runs. */
export function agentBundleFile(): SiteFile {
  return builtFile(AGENT_BUNDLE, 'agent.mjs', 'agent bundle');
}
