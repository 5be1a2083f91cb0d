// Placeholder until the exporter lands.
import type { LiveOutput } from '../../live/output.js';
import type { ExporterOptions } from '../options.js';

export function otlpMetrics(url: string, _options: ExporterOptions): LiveOutput {
  throw new Error(`otlp ${url}: not built yet`);
}
