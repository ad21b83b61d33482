// The typed client's request and lifetime: URL, token, state, event age and a clean close.
import { afterEach, describe, expect, test } from 'bun:test';
import { createSseClient, type SseClient, type SseClientState } from '../../src/client/index.ts';
import type { SseEvent } from '../../src/client/sse-parser.ts';
import { channel, type Peer, sse, startPeer } from './client-peer.ts';

let peer: Peer | undefined;
let client: SseClient | undefined;

afterEach(async () => {
  client?.close();
  await peer?.stop();
  client = undefined;
  peer = undefined;
});

describe('sse client requests', () => {
  test('asks for its streams and symbols and sends a starting Last-Event-ID', async () => {
    peer = startPeer(() => sse(': hi\n\n'));
    client = createSseClient({
      url: peer.url,
      streams: ['chain-feed', 'timeseries'],
      symbols: ['SPX', 'QQQ'],
      lastEventId: 'chain-feed=1-0;timeseries=2-0',
    });
    const seen = await peer.requests.next();
    expect(seen.url.searchParams.get('streams')).toBe('chain-feed,timeseries');
    expect(seen.url.searchParams.get('symbols')).toBe('SPX,QQQ');
    expect(seen.headers.get('last-event-id')).toBe('chain-feed=1-0;timeseries=2-0');
    expect(seen.headers.get('accept')).toBe('text/event-stream');
  });

  test('sends a Bearer token and asks a token function again on reconnect', async () => {
    peer = startPeer((n) => sse(n === 1 ? 'retry: 10\n\n' : '', { end: n === 1 }));
    let issued = 0;
    client = createSseClient({ url: peer.url, token: () => `token-${++issued}` });
    expect((await peer.requests.next()).headers.get('authorization')).toBe('Bearer token-1');
    expect((await peer.requests.next()).headers.get('authorization')).toBe('Bearer token-2');
  });

  test('sends no Authorization header without a token', async () => {
    peer = startPeer(() => sse(': hi\n\n'));
    client = createSseClient({ url: peer.url });
    expect((await peer.requests.next()).headers.get('authorization')).toBeNull();
  });

  test('refuses an invalid URL at once instead of retrying it', () => {
    expect(() => createSseClient({ url: 'not a url' })).toThrow();
  });
});

describe('sse client lifetime', () => {
  test('moves from connecting to open and reports the age of the last event', async () => {
    peer = startPeer(() => sse('event: connected\ndata: {"status":"ok"}\n\n'));
    const events = channel<SseEvent>();
    client = createSseClient({ url: peer.url, onEvent: events.push });
    expect(client.state).toBe('connecting');
    expect(client.lastEventAgeMs()).toBeUndefined();
    await events.next();
    expect(client.state).toBe('open');
    const age = client.lastEventAgeMs() ?? -1;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(1000);
  });

  test('close() ends the server side of the stream and silences every callback', async () => {
    peer = startPeer(() => sse('retry: 10\n\ndata: first\n\n'));
    const events = channel<SseEvent>();
    const states: SseClientState[] = [];
    client = createSseClient({
      url: peer.url,
      onEvent: events.push,
      onStateChange: (s) => states.push(s),
    });
    await events.next();
    const seen = await peer.requests.next();
    client.close();
    await Promise.race([
      seen.ended,
      Bun.sleep(3000).then(() => {
        throw new Error('the server never saw the client go');
      }),
    ]);
    expect(client.state).toBe('closed');
    expect(states).toEqual(['open', 'closed']);
    // A reconnect would come after the 10 ms retry time; twenty times that proves none does.
    await Bun.sleep(200);
    expect(peer.count()).toBe(1);
  });

  test('close() during the first request stops it without an error', async () => {
    peer = startPeer(() => sse(''));
    client = createSseClient({ url: peer.url, retryMs: 10 });
    client.close();
    expect(client.state).toBe('closed');
    expect(client.error).toBeUndefined();
    await Bun.sleep(100);
    expect(peer.count()).toBeLessThanOrEqual(1);
  });
});
