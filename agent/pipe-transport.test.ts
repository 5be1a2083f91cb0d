import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PipeTransport } from './pipe-transport.js';

/** A pipe end that records each system call's worth of writing: one write or one writev. */
function recordingPipe(): { pipe: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const pipe = new Writable({
    write(chunk: Buffer, _encoding, done) {
      calls.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { pipe, calls };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('PipeTransport', () => {
  it('writes each message with its NUL in one write, at once', () => {
    const { pipe, calls } = recordingPipe();
    const transport = new PipeTransport(pipe, new PassThrough());
    transport.send('{"id":1}');
    expect(calls).toEqual([['{"id":1}\0']]);
    transport.send('{"id":2}');
    transport.send('{"id":3}');
    expect(calls).toEqual([['{"id":1}\0'], ['{"id":2}\0'], ['{"id":3}\0']]);
  });

  it('hands on each NUL-terminated message in order, whole, however the pipe cuts them', async () => {
    const fromChromium = new PassThrough();
    const transport = new PipeTransport(new PassThrough(), fromChromium);
    const received: string[] = [];
    transport.onmessage = (message) => received.push(message);
    const euro = Buffer.from('"€"');
    fromChromium.write(Buffer.concat([Buffer.from('{"a":1}\0{"b":'), euro.subarray(0, 2)]));
    fromChromium.write(Buffer.concat([euro.subarray(2), Buffer.from('}\0{"c"')]));
    fromChromium.write(Buffer.from(':3}\0'));
    await nextTurn();
    await nextTurn();
    expect(received).toEqual(['{"a":1}', '{"b":"€"}', '{"c":3}']);
  });

  it('sends nothing and hands on nothing once closed', async () => {
    const { pipe, calls } = recordingPipe();
    const fromChromium = new PassThrough();
    const transport = new PipeTransport(pipe, fromChromium);
    const received: string[] = [];
    transport.onmessage = (message) => received.push(message);
    transport.close();
    transport.send('{"id":1}');
    fromChromium.write('{"late":true}\0');
    await nextTurn();
    expect(calls).toEqual([]);
    expect(received).toEqual([]);
  });
});
