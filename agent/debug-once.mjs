// The `debug` package as puppeteer-core uses it, with one logger per
// namespace. puppeteer calls debug(prefix) again for every CDP message it
// sends or receives (common/Debug.js: `(await importDebug())(prefix)(args)`),
// and each call builds a logger and matches the namespace against $DEBUG:
// about 8 % of a VU worker's CPU at 4 VUs, for logs that are off. The build
// (scripts/build.mjs) puts this in the agent bundle in place of `debug`.
import createDebug from 'debug/src/index.js';

const loggers = new Map();

function debugOnce(namespace) {
  let logger = loggers.get(namespace);
  if (!logger) {
    logger = createDebug(namespace);
    loggers.set(namespace, logger);
  }
  return logger;
}

export default Object.assign(debugOnce, createDebug);
