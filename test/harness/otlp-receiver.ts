// A test receiver for OTLP/HTTP metrics: a plain node:http server on loopback
// that takes POST /v1/metrics (application/x-protobuf), decodes each body with
// the official OpenTelemetry .proto files (vendored in ./otlp-proto, see its
// README) and keeps the decoded requests. It stands in for an OpenTelemetry
// collector because none is packaged on this machine; decoding with the
// protocol's own definitions, not with the encoder under test, is what lets a
// test say the wire format is right. It can go down (refuse connections),
// hang (take requests and never answer) or fail with a status, and come back.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

const PROTO_ROOT = join(dirname(fileURLToPath(import.meta.url)), 'otlp-proto');
const SERVICE = 'opentelemetry.proto.collector.metrics.v1';

// A decoded ExportMetricsServiceRequest (longs as numbers, enums by name), as
// far as tests read it; what is decoded is whatever the protos say.
export interface KeyValue {
  key: string;
  value: { stringValue?: string; boolValue?: boolean; intValue?: number; doubleValue?: number };
}
export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano?: number;
  timeUnixNano?: number;
  asDouble?: number;
  asInt?: number;
}
export interface DecodedMetric {
  name: string;
  description?: string;
  unit?: string;
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality?: string; isMonotonic?: boolean };
  gauge?: { dataPoints: NumberDataPoint[] };
  histogram?: unknown;
  exponentialHistogram?: unknown;
  summary?: unknown;
}
export interface ExportRequest {
  resourceMetrics: Array<{
    resource?: { attributes: KeyValue[] };
    scopeMetrics: Array<{ scope?: { name?: string; version?: string }; metrics: DecodedMetric[] }>;
  }>;
}

export interface OtlpReceiver {
  /** where to send: http://127.0.0.1:<port>/v1/metrics */
  url: string;
  /** every request answered 200, decoded, in arrival order */
  readonly requests: ExportRequest[];
  /** POSTs to /v1/metrics seen, whatever their answer */
  readonly attempts: number;
  /** answer with this status and keep nothing (undefined: answer 200 again) */
  failWith(status: number | undefined): void;
  /** take requests and never answer them */
  hang(): void;
  /** close the port: connections are refused until up() */
  down(): Promise<void>;
  /** connections open to it now, answering or not: a client that cut its requests has none */
  connections(): Promise<number>;
  /** listen on the same port again, answering 200 */
  up(): Promise<void>;
  close(): Promise<void>;
}

function loadTypes() {
  const root = new protobuf.Root();
  // The files import each other by their path from the repository's root.
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTO_ROOT, target));
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto');
  root.resolveAll();
  return {
    request: root.lookupType(`${SERVICE}.ExportMetricsServiceRequest`),
    response: root.lookupType(`${SERVICE}.ExportMetricsServiceResponse`),
  };
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const types = loadTypes();
  const requests: ExportRequest[] = [];
  const hanging: ServerResponse[] = [];
  let attempts = 0;
  let failStatus: number | undefined;
  let hang = false;

  const answer = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'POST' || path !== '/v1/metrics') return void res.writeHead(404).end();
    attempts += 1;
    if (hang) return void hanging.push(res);
    if (failStatus !== undefined) return void res.writeHead(failStatus, { 'content-type': 'text/plain' }).end('told to fail');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-protobuf')) return void res.writeHead(415).end();
    let decoded: ExportRequest;
    try {
      const bytes = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      decoded = types.request.toObject(types.request.decode(bytes), { longs: Number, enums: String, arrays: true }) as ExportRequest;
    } catch (error) {
      return void res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    }
    requests.push(decoded);
    const empty = types.response.encode(types.response.create({})).finish();
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(empty));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks)));
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const shut = async () => {
    for (const res of hanging.splice(0)) res.destroy();
    if (!server.listening) return;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  };

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    requests,
    get attempts() {
      return attempts;
    },
    failWith(status) {
      failStatus = status;
    },
    hang() {
      hang = true;
    },
    down: shut,
    connections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    async up() {
      hang = false;
      failStatus = undefined;
      for (const res of hanging.splice(0)) res.destroy();
      if (!server.listening) await listen(port);
    },
    close: shut,
  };
}
