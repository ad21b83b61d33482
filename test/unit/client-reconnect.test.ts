// The typed client against a real HTTP peer: resuming, retry timing, Retry-After, fatal answers.
import { afterEach, describe, expect, test } from 'bun:test';
import { createSseClient, type SseClient, type SseClientOptions } from '../../src/client/index.ts';
import type { SseEvent } from '../../src/client/sse-parser.ts';
import type { GatewayError } from '../../src/errors.ts';
import { type Answer, channel, type Peer, refuse, sse, startPeer } from './client-peer.ts';

let peer: Peer | undefined;
let client: SseClient | undefined;

afterEach(async () => {
  client?.close();
  await peer?.stop();
  client = undefined;
  peer = undefined;
});

/** Starts a peer and a client on it; events and fatal errors arrive on channels. */
function connect(answer: Answer, options: Partial<SseClientOptions> = {}) {
  peer = startPeer(answer);
  const events = channel<SseEvent>();
  const errors = channel<GatewayError>();
  client = createSseClient({
    url: peer.url,
    onEvent: events.push,
    onError: errors.push,
    retryMs: 10_000,
    ...options,
  });
  return { peer, client, events, errors };
}

describe('sse client reconnects', () => {
  test('resumes with the last id in Last-Event-ID after the stream ends', async () => {
    const { peer, events } = connect((n) =>
      n === 1
        ? sse('retry: 20\n\nid: 5-0\nevent: chain\ndata: {"seq":1}\n\n', { end: true })
        : sse('id: 5-1\nevent: chain\ndata: {"seq":2}\n\n'),
    );
    expect(await events.next()).toEqual({ type: 'chain', data: '{"seq":1}', id: '5-0' });
    expect((await peer.requests.next()).headers.get('last-event-id')).toBeNull();
    expect((await peer.requests.next()).headers.get('last-event-id')).toBe('5-0');
    expect(await events.next()).toEqual({ type: 'chain', data: '{"seq":2}', id: '5-1' });
  });

  test('waits the retry time the server sent, not its own default', async () => {
    const { peer } = connect((n) => sse(n === 1 ? 'retry: 300\n\n' : '', { end: n === 1 }));
    const first = await peer.requests.next();
    const second = await peer.requests.next(3000); // the default of 10 s would miss this
    expect(second.at - first.at).toBeGreaterThanOrEqual(280);
  });

  test.each([429, 503])('waits Retry-After on HTTP %d before trying again', async (status) => {
    const states = channel<string>();
    const { peer } = connect(
      (n) =>
        n === 1
          ? refuse(status, status === 429 ? 'too_many_connections' : 'at_capacity', {
              'retry-after': '1',
            })
          : sse(': open\n\n'),
      { retryMs: 10, onStateChange: (state) => states.push(state) },
    );
    const first = await peer.requests.next();
    const second = await peer.requests.next(3000);
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect([await states.next(), await states.next()]).toEqual(['reconnecting', 'open']);
  });

  test('backs off after consecutive failures instead of hammering a broken gateway', async () => {
    const { peer } = connect(() => new Response('bad gateway', { status: 502 }), { retryMs: 100 });
    const at = [];
    for (let i = 0; i < 4; i++) at.push((await peer.requests.next(3000)).at);
    // Delays grow from 100 ms: 2nd failure >= 100 (jitter halves at most), 3rd >= 200.
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(95);
    expect(at[3]! - at[2]!).toBeGreaterThanOrEqual(195);
  });

  test('reconnects when nothing arrives for three announced heartbeats', async () => {
    const { peer, events } = connect(() =>
      sse('retry: 10\n\nevent: connected\ndata: {"status":"ok","heartbeatMs":400}\n\n'),
    );
    expect((await events.next()).type).toBe('connected');
    const first = await peer.requests.next();
    const second = await peer.requests.next(4000);
    // heartbeatMs 400 means giving up after 1.2 s of silence.
    expect(second.at - first.at).toBeGreaterThanOrEqual(1150);
  });
});

describe('sse client stops', () => {
  test.each([
    [400, 'invalid_query'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'unknown_stream'],
  ] as const)('stops for good on HTTP %d and reports %s', async (status, code) => {
    const { peer, client, errors } = connect(() => refuse(status, code), { retryMs: 20 });
    expect(await errors.next()).toMatchObject({ code, message: `refused with ${code}` });
    expect(client.state).toBe('closed');
    expect(client.error?.code).toBe(code);
    // Proving a retry never comes needs a window: ten times the 20 ms retry time.
    await Bun.sleep(200);
    expect(peer.count()).toBe(1);
  });

  test('treats a 200 answer that is not an event stream as fatal', async () => {
    const { errors } = connect(
      () =>
        new Response('<html></html>', {
          headers: { 'content-type': 'text/html' },
        }),
    );
    expect((await errors.next()).message).toContain('HTTP 200');
  });

  test('gives up quietly when the server answers 204 No Content', async () => {
    const states = channel<string>();
    const { client } = connect(() => new Response(null, { status: 204 }), {
      onStateChange: (state) => states.push(state),
    });
    expect(await states.next()).toBe('closed');
    expect(client.error).toBeUndefined();
  });
});
