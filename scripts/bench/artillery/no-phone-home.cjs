// Preloaded by scripts/bench/side-by-side-runners.ts (NODE_OPTIONS=--require).
// artillery 2.0.21 still sends a minimal PostHog event at shutdown even with
// ARTILLERY_DISABLE_TELEMETRY set; offline, posthog-node retries 3x with a 3 s
// delay, so the CLI exits ~12 s after the summary. Replace the client by a no-op.
const Module = require('module');
const origLoad = Module._load;
class NoopPostHog {
  capture() {}
  async shutdownAsync() {}
  shutdown() {}
}
Module._load = function (request, parent, isMain) {
  if (request === 'posthog-node') return { PostHog: NoopPostHog };
  return origLoad.apply(this, arguments);
};
