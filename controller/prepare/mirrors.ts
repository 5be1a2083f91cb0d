// Where hosts being prepared download Node.js from by default: apart from
// prepare-host.ts, so the CLI's flags name it without loading the SSH side.
export const DEFAULT_NODE_MIRROR = 'https://nodejs.org/dist';
