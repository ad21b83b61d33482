// The load client's raw-socket SSE connection against a real HTTP server on a loopback port.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SseConnection } from '../load/connection.ts';
import { Histogram } from '../load/histogram.ts';

let server: Server;
let port = 0;
const streams: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/sse/chain-feed') {
      res.writeHead(503).end('{"error":{"code":"at_capacity","message":"full"}}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('event: connected\ndata: {"status":"ok"}\n\n');
    streams.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const target = (path: string) => ({ host: '127.0.0.1', port, path, event: 'chain' });

/** Resolves once `check` holds, polling the connection's counters; fails after 2 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SseConnection', () => {
  test('counts chunked frames and measures latency from the payload timestamp', async () => {
    const latency = new Histogram();
    const connection = new SseConnection(target('/sse/chain-feed'), '127.0.0.2', latency);
    await connection.connect(2000, () => undefined);
    connection.tracker?.reset(0);
    const stream = streams.at(-1) as ServerResponse;
    const sentAt = performance.timeOrigin + performance.now() - 50;
    for (let seq = 0; seq < 3; seq += 1) {
      // Split writes, as the Express baseline does: the chunk framing lands mid-frame.
      stream.write('event: chain\n');
      stream.write(`data: {"seq":${seq},"ts":${sentAt}}\n\n`);
    }
    await until(() => connection.counter.count === 3 && latency.count === 3);
    expect(connection.tracker?.summary(3)).toEqual({
      received: 3,
      missed: 0,
      dups: 0,
      reordered: 0,
    });
    expect(latency.percentile(0.5)).toBeGreaterThanOrEqual(49);
    connection.close();
  });

  test('rejects with the HTTP status when the server refuses the stream', async () => {
    const connection = new SseConnection(target('/sse/full'), '127.0.0.2', undefined);
    await expect(connection.connect(2000, () => undefined)).rejects.toThrow('HTTP 503');
  });

  test('reports a close by the server after the stream was open', async () => {
    const connection = new SseConnection(target('/sse/chain-feed'), '127.0.0.3', undefined);
    let closed = false;
    await connection.connect(2000, () => (closed = true));
    (streams.at(-1) as ServerResponse).destroy();
    await until(() => closed);
    expect(connection.open).toBe(false);
  });
});
