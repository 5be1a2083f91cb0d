// The reference workload with browser metrics off: the benchmark's measure of
// what collecting request timing and Web Vitals costs (scripts/bench/metrics-cost.ts).
import reference from '../../controller/calibrate/reference.scenario.js';

export default { ...reference, name: 'reference (metrics off)', options: { ...reference.options, metrics: { collect: false } } };
