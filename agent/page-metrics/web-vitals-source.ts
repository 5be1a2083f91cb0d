// Google's web-vitals as one script for the page (its IIFE build). The build
// (scripts/build.mjs) replaces this module with the file's text, so
// dist/agent.mjs carries it to hosts that have no node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const dist = dirname(createRequire(import.meta.url).resolve('web-vitals'));

export const WEB_VITALS_IIFE: string = readFileSync(join(dist, 'web-vitals.iife.js'), 'utf8');
