// Core Web Vitals and their bands, as Google defines them (web.dev/articles/vitals,
// and the thresholds the web-vitals package ships): good up to the first
// bound, poor above the second, needs improvement between.

export const VITALS = ['LCP', 'FCP', 'CLS', 'INP', 'TTFB'] as const;
export type Vital = (typeof VITALS)[number];
export type VitalBand = 'good' | 'needs-improvement' | 'poor';

/** [good up to, poor above]: milliseconds, except CLS (unitless). */
export const VITAL_THRESHOLDS: Readonly<Record<Vital, readonly [number, number]>> = {
  LCP: [2500, 4000],
  FCP: [1800, 3000],
  CLS: [0.1, 0.25],
  INP: [200, 500],
  TTFB: [800, 1800],
};

export function vitalBand(vital: Vital, value: number): VitalBand {
  const [good, poor] = VITAL_THRESHOLDS[vital];
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor';
}
