// Downsampling a series for a chart of limited width: consecutive windows go
// into at most `points` buckets of equal size, so a long run is squeezed,
// never cut. Each chart then merges a bucket its own way (histograms merged,
// or the worst window's percentile), never by averaging percentiles.
export function bucketWindows<T>(windows: readonly T[], points: number): T[][] {
  const size = Math.max(1, Math.ceil(windows.length / Math.max(1, points)));
  const buckets: T[][] = [];
  for (let i = 0; i < windows.length; i += size) buckets.push(windows.slice(i, i + size));
  return buckets;
}
