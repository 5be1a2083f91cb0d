// The side-by-side flow with browser metrics (request timing, Web Vitals) off.
import type { Scenario } from 'squall';
import order from './shop-order.scenario.js';

const withMetrics: Scenario = order;
export default { ...withMetrics, name: 'shop order (metrics off)', options: { ...withMetrics.options, metrics: { collect: false } } };
