// Placeholder until the exporter lands.
import type { LiveOutput } from '../../live/output.js';
import type { ExporterOptions } from '../options.js';

export function prometheusRemoteWrite(url: string, _options: ExporterOptions): LiveOutput {
  throw new Error(`prometheus-rw ${url}: not built yet`);
}
