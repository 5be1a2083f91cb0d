import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { PageViewAccumulator, RequestAccumulator, type RequestSample } from '../../src/metrics/request-stats.js';
import { StepAccumulator } from '../../src/metrics/step-stats.js';
import { evaluateThresholds, parseThreshold, parseThresholdFlag, type Observations } from './thresholds.js';

function request(status: number, ttfb: number): RequestSample {
  return { url: '', method: 'GET', status, bytes: 100, cached: false, phases: { ttfb, total: ttfb + 5 } };
}

function observations(): Observations {
  const orders = new RequestAccumulator();
  for (let i = 1; i <= 100; i += 1) orders.record(request(i <= 2 ? 503 : 200, 200 + i), 'checkout');
  const otherOrigin = new RequestAccumulator();
  otherOrigin.record(request(200, 900), 'checkout');
  const home = new RequestAccumulator();
  for (let i = 0; i < 50; i += 1) home.record(request(200, 20), 'home');
  const views = new PageViewAccumulator();
  for (let i = 1; i <= 20; i += 1) views.record({ LCP: i * 100, CLS: i / 100 });
  const cart = new PageViewAccumulator();
  cart.record({ LCP: 5000 });
  return {
    steps: new Map(),
    allSteps: new StepAccumulator(),
    iterations: { started: 0, completed: 0, failed: 0 },
    durationMs: 10_000,
    requests: new Map([
      ['http://shop/api/order', orders],
      ['http://cdn/api/order', otherOrigin],
      ['http://shop/', home],
    ]),
    pageViews: new Map([
      ['home', views],
      ['cart', cart],
    ]),
  };
}

const verdict = (target: string, expression: string) => evaluateThresholds([{ target, expression, source: 'scenario' }], observations())[0]!;

describe('request thresholds', () => {
  it('judges a label, every label of a path, and all requests', () => {
    expect(verdict('requests:http://shop/api/order', 'ttfb:p95 < 300')).toMatchObject({ passed: true });
    expect(verdict('requests:http://shop/api/order', 'ttfb:p95 < 290')).toMatchObject({ passed: false });
    expect(verdict('requests:/api/order', 'count == 101').passed).toBe(true);
    expect(verdict('requests:/api/order', 'ttfb:max >= 900').passed).toBe(true);
    expect(verdict('requests', 'count == 151').passed).toBe(true);
    expect(verdict('requests', 'p50 < 300').passed).toBe(true);
  });

  it('judges a path beside labels with a bare % (a decoded %25, a malformed escape) without throwing', () => {
    const odd = new RequestAccumulator();
    odd.record(request(200, 10), 'home');
    const base = observations();
    const obs = { ...base, requests: new Map([...base.requests!, ['http://shop/img/100%/x.png', odd], ['http://shop/%c0%ae', odd]]) };
    const [paths, label] = evaluateThresholds(
      [
        { target: 'requests:/api/order', expression: 'count > 0', source: 'scenario' },
        { target: 'requests:/img/100%/x.png', expression: 'count == 1', source: 'scenario' },
      ],
      obs,
    );
    expect(paths!.actual).toBe(101);
    expect(label).toMatchObject({ passed: true, actual: 1 });
  });

  it('takes status shares and counts', () => {
    expect(verdict('requests:/api/order', 'status5xx < 1%')).toMatchObject({ passed: false, actual: expect.closeTo(1.98, 2) });
    expect(verdict('requests:/api/order', 'status5xx <= 2').passed).toBe(true);
    expect(verdict('requests', 'errors < 2%').passed).toBe(true);
    expect(verdict('requests', 'rate > 15/s').passed).toBe(true);
  });

  it('fails, saying why, when nothing matched', () => {
    expect(verdict('requests:/api/nothing', 'count > 0')).toMatchObject({ passed: false, detail: 'no request matched "/api/nothing"' });
  });
});

describe('vital thresholds', () => {
  it('judges every page view, or a step\'s', () => {
    expect(verdict('vitals:LCP', 'p75 < 2500').passed).toBe(true);
    expect(verdict('vitals:LCP:cart', 'p75 < 2500')).toMatchObject({ passed: false, actual: 5000 });
    expect(verdict('vitals:LCP:home', 'count == 20').passed).toBe(true);
    expect(verdict('vitals:CLS', 'p75 < 0.16').passed).toBe(true);
    expect(verdict('vitals:CLS', 'p75 < 0.14').passed).toBe(false);
    expect(verdict('vitals:INP', 'p75 < 200')).toMatchObject({ passed: false, detail: 'no page view reported INP' });
  });
});

describe('parsing', () => {
  it.each([
    ['vitals:XYZ', 'p75 < 1', /one of LCP, FCP, CLS, INP, TTFB/],
    ['vitals:CLS', 'p75 < 1ms', /CLS is a score/],
    ['vitals:LCP', 'status5xx < 1', /unknown metric "status5xx"/],
    ['requests', 'bogus:p95 < 1', /unknown metric "bogus:p95"/],
    ['requests', 'ttfb:count > 1', /unknown metric "ttfb:count"/],
    ['step:home', 'ttfb:p95 < 1', /only "requests" targets/],
    ['requests:', 'count > 1', /expected "requests:<label>"/],
  ])('rejects %s "%s"', (target, expression, message) => {
    expect(() => parseThreshold({ target, expression, source: 'cli' })).toThrow(InputError);
    expect(() => parseThreshold({ target, expression, source: 'cli' })).toThrow(message);
  });

  it('splits flags with a request phase and with URL colons', () => {
    expect(parseThresholdFlag('requests:/api/order:ttfb:p95<300')).toMatchObject({ target: 'requests:/api/order', expression: 'ttfb:p95<300' });
    expect(parseThresholdFlag('requests:http://127.0.0.1:8080/api:ttfb:p95<300')).toMatchObject({ target: 'requests:http://127.0.0.1:8080/api', expression: 'ttfb:p95<300' });
    expect(parseThresholdFlag('requests:status5xx<1%')).toMatchObject({ target: 'requests', expression: 'status5xx<1%' });
    expect(parseThresholdFlag('vitals:LCP:p75<2500')).toMatchObject({ target: 'vitals:LCP', expression: 'p75<2500' });
  });
});
