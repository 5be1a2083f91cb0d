import type { Protocol } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { MAX_IN_FLIGHT, NetworkLedger, type NetworkRecord } from './network-ledger.js';

const WALL = 1_800_000_000;

function sent(requestId: string, url: string, timestamp: number, extra: Partial<Protocol.Network.RequestWillBeSentEvent> = {}): Protocol.Network.RequestWillBeSentEvent {
  return { requestId, request: { url, method: 'GET' }, timestamp, wallTime: WALL + timestamp, ...extra } as Protocol.Network.RequestWillBeSentEvent;
}

/** A response whose timing block says: sent at +1 ms, headers from +101 to +102 ms after `requestTime`. */
function response(status: number, requestTime: number, extra: Partial<Protocol.Network.Response> = {}): Protocol.Network.Response {
  const timing = { requestTime, dnsStart: -1, dnsEnd: -1, connectStart: 0.2, connectEnd: 0.7, sslStart: -1, sslEnd: -1, sendStart: 1, sendEnd: 1.2, receiveHeadersStart: 101, receiveHeadersEnd: 102 };
  return { url: '', status, timing, encodedDataLength: 150, fromDiskCache: false, ...extra } as unknown as Protocol.Network.Response;
}

function ledger(): { ledger: NetworkLedger; records: NetworkRecord[] } {
  const records: NetworkRecord[] = [];
  return { ledger: new NetworkLedger((record) => records.push(record)), records };
}

describe('network ledger', () => {
  it('times a request from the network layer: TTFB from send to the first header byte, download to the last byte', () => {
    const { ledger: l, records } = ledger();
    l.requestWillBeSent(sent('1', 'http://api.example/order', 10, { request: { url: 'http://api.example/order', method: 'POST' } as Protocol.Network.Request }));
    l.responseReceived({ requestId: '1', response: response(201, 10.001) } as Protocol.Network.ResponseReceivedEvent);
    l.loadingFinished({ requestId: '1', timestamp: 10.111, encodedDataLength: 2300 } as Protocol.Network.LoadingFinishedEvent);
    expect(records).toHaveLength(1);
    const [{ sample, startedAt, endedAt }] = records as [NetworkRecord];
    expect(sample).toMatchObject({ url: 'http://api.example/order', method: 'POST', status: 201, bytes: 2300, cached: false });
    expect(sample.phases.connect).toBeCloseTo(0.5);
    expect(sample.phases.ttfb).toBeCloseTo(100);
    expect(sample.phases.download).toBeCloseTo(8);
    expect(sample.phases.total).toBeCloseTo(111);
    expect(sample.phases.dns).toBeUndefined();
    expect(startedAt).toBe((WALL + 10) * 1000);
    expect(endedAt - startedAt).toBeCloseTo(111);
  });

  it('records the method a request was continued with when interception changed it (a URL list\'s POST line); an unknown id changes nothing', () => {
    const { ledger: l, records } = ledger();
    l.requestWillBeSent(sent('5', 'http://shop/api/cart', 2));
    l.rewrote('5', 'POST');
    l.rewrote('no such request', 'PUT');
    l.responseReceived({ requestId: '5', response: response(201, 2) } as Protocol.Network.ResponseReceivedEvent);
    l.loadingFinished({ requestId: '5', timestamp: 2.2, encodedDataLength: 10 } as Protocol.Network.LoadingFinishedEvent);
    expect(records.map((r) => [r.sample.method, r.sample.status])).toEqual([['POST', 201]]);
  });

  it('keeps each redirect hop as its own record, ending where the next began', () => {
    const { ledger: l, records } = ledger();
    l.requestWillBeSent(sent('7', 'http://shop/go', 1));
    l.requestWillBeSent(sent('7', 'http://shop/hop', 1.01, { redirectResponse: response(302, 1) }));
    l.requestWillBeSent(sent('7', 'http://shop/end', 1.02, { redirectResponse: response(301, 1.01) }));
    l.responseReceived({ requestId: '7', response: response(200, 1.02) } as Protocol.Network.ResponseReceivedEvent);
    l.loadingFinished({ requestId: '7', timestamp: 1.2, encodedDataLength: 10 } as Protocol.Network.LoadingFinishedEvent);
    expect(records.map((r) => [r.sample.url, r.sample.status])).toEqual([
      ['http://shop/go', 302],
      ['http://shop/hop', 301],
      ['http://shop/end', 200],
    ]);
    expect(records[0]!.sample.phases.total).toBeCloseTo(10);
  });

  it('records a failure with the browser\'s reason, a CORS refusal as such, and no total for either', () => {
    const { ledger: l, records } = ledger();
    l.requestWillBeSent(sent('a', 'http://127.0.0.1:1/x', 1));
    l.loadingFailed({ requestId: 'a', timestamp: 1.001, errorText: 'net::ERR_CONNECTION_REFUSED', type: 'Fetch' } as Protocol.Network.LoadingFailedEvent);
    l.requestWillBeSent(sent('b', 'http://api/y', 1));
    l.responseReceived({ requestId: 'b', response: response(200, 1) } as Protocol.Network.ResponseReceivedEvent);
    l.loadingFailed({ requestId: 'b', timestamp: 1.2, errorText: 'net::ERR_FAILED', corsErrorStatus: { corsError: 'MissingAllowOriginHeader', failedParameter: '' }, type: 'Fetch' } as Protocol.Network.LoadingFailedEvent);
    expect(records.map((r) => r.sample)).toMatchObject([
      { status: 0, failed: true, error: 'net::ERR_CONNECTION_REFUSED', phases: {} },
      { status: 200, failed: true, error: 'CORS MissingAllowOriginHeader' },
    ]);
    expect(records[1]!.sample.phases.total).toBeUndefined();
  });

  it('marks memory, disk and service-worker answers, and has no TTFB or bytes for a cached one', () => {
    const { ledger: l, records } = ledger();
    l.requestWillBeSent(sent('m', 'http://shop/logo.png', 1));
    l.requestServedFromCache({ requestId: 'm' });
    l.responseReceived({ requestId: 'm', response: response(200, 1) } as Protocol.Network.ResponseReceivedEvent);
    l.loadingFinished({ requestId: 'm', timestamp: 1.001, encodedDataLength: 0 } as Protocol.Network.LoadingFinishedEvent);
    l.requestWillBeSent(sent('s', 'http://shop/api', 2));
    l.responseReceived({ requestId: 's', response: response(200, 2, { fromServiceWorker: true }) } as Protocol.Network.ResponseReceivedEvent);
    l.loadingFinished({ requestId: 's', timestamp: 2.2, encodedDataLength: 40 } as Protocol.Network.LoadingFinishedEvent);
    expect(records[0]!.sample).toMatchObject({ cached: true, bytes: 0 });
    expect(records[0]!.sample.phases.ttfb).toBeUndefined();
    expect(records[1]!.sample).toMatchObject({ cached: false, serviceWorker: true, bytes: 40 });
  });

  it('waits for the response of a request that loaded first (a worker\'s script is told on the worker\'s session)', () => {
    const { ledger: l, records } = ledger();
    l.requestWillBeSent(sent('w', 'http://shop/worker.js', 1));
    l.loadingFinished({ requestId: 'w', timestamp: 1.05, encodedDataLength: 90 } as Protocol.Network.LoadingFinishedEvent);
    expect(records).toHaveLength(0);
    l.responseReceived({ requestId: 'w', response: { url: '', status: 200, encodedDataLength: 90 } } as Protocol.Network.ResponseReceivedEvent);
    expect(records.map((r) => [r.sample.status, r.sample.bytes, r.sample.phases.total])).toEqual([[200, 90, expect.closeTo(50)]]);
    l.requestWillBeSent(sent('x', 'http://shop/other.js', 2));
    l.loadingFinished({ requestId: 'x', timestamp: 2.01, encodedDataLength: 5 } as Protocol.Network.LoadingFinishedEvent);
    l.finishLoaded();
    expect(records[1]!.sample).toMatchObject({ url: 'http://shop/other.js', status: 0, bytes: 5 });
    expect(l.pending).toBe(0);
  });

  it('counts a fetch whose body the page never reads, with its status, once its headers are long past (or its page is gone)', () => {
    const { ledger: l, records } = ledger();
    l.requestWillBeSent(sent('f', 'http://api.example/missing', 10));
    l.responseReceived({ requestId: 'f', timestamp: 10.105, response: response(404, 10.001) } as Protocol.Network.ResponseReceivedEvent);
    const answeredAt = (WALL + 10.105) * 1000;
    l.finishAnswered(30_000, answeredAt + 29_999);
    expect(records).toHaveLength(0);
    l.finishAnswered(30_000, answeredAt + 30_000);
    expect(records.map((r) => [r.sample.status, r.sample.bytes, r.sample.phases.ttfb])).toEqual([[404, 150, expect.closeTo(100)]]);
    expect(records[0]!.endedAt - records[0]!.startedAt).toBeCloseTo(105);
    // A body still arriving is not unread: its last chunk, not its headers, starts the wait.
    l.requestWillBeSent(sent('s', 'http://api.example/stream', 12));
    l.responseReceived({ requestId: 's', timestamp: 12.1, response: response(200, 12.001) } as Protocol.Network.ResponseReceivedEvent);
    l.dataReceived({ requestId: 's', timestamp: 40, encodedDataLength: 5000, dataLength: 5000 } as Protocol.Network.DataReceivedEvent);
    l.finishAnswered(30_000, (WALL + 12.1) * 1000 + 31_000);
    expect(records).toHaveLength(1);
    l.finishAnswered(30_000, (WALL + 40) * 1000 + 30_000);
    expect(records.map((r) => [r.sample.url, r.sample.bytes])).toEqual([['http://api.example/missing', 150], ['http://api.example/stream', 5150]]);
    expect(records[1]!.endedAt - records[1]!.startedAt).toBeCloseTo(28_000);
    records.length = 0;
    // Without a bound (the page or context closing): every answered one, at once; one not answered stays.
    l.requestWillBeSent(sent('g', 'http://api.example/slow', 20));
    l.requestWillBeSent(sent('h', 'http://api.example/unread', 20));
    l.responseReceived({ requestId: 'h', timestamp: 20.05, response: response(200, 20.001) } as Protocol.Network.ResponseReceivedEvent);
    l.finishAnswered();
    expect(records.map((r) => r.sample.url)).toEqual(['http://api.example/unread']);
    expect(l.pending).toBe(1);
  });

  it('ignores what is not a network request, and keeps at most MAX_IN_FLIGHT under way', () => {
    const { ledger: l, records } = ledger();
    for (const url of ['data:image/gif;base64,R0lG', 'about:blank', 'blob:http://shop/1', 'chrome-extension://x/y']) l.requestWillBeSent(sent(url, url, 1));
    expect(l.pending).toBe(0);
    for (let i = 0; i < MAX_IN_FLIGHT + 10; i += 1) l.requestWillBeSent(sent(`p${i}`, 'http://shop/poll', 1));
    expect(l.pending).toBe(MAX_IN_FLIGHT);
    l.loadingFinished({ requestId: 'p0', timestamp: 2, encodedDataLength: 1 } as Protocol.Network.LoadingFinishedEvent);
    expect(records).toHaveLength(0);
  });
});
