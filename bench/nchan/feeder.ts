// Feeds nchan from the Redis stream: XREAD every new entry and POST its json to the publisher.
import { once } from 'node:events';
import { connect } from 'node:net';
import { Redis } from 'ioredis';

const [redisUrl = '', key = '', port = '0'] = process.argv.slice(2);
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const socket = connect({ host: '127.0.0.1', port: Number(port) });
socket.setNoDelay(true);
// Replies are read and dropped: a publish that failed shows up as missed events in the bench.
socket.resume();
socket.on('close', () => {
  process.stderr.write('feeder: nchan closed the publisher connection\n');
  process.exit(1);
});
process.on('disconnect', () => process.exit(0));

function json(fields: string[]): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'json') return fields[i + 1];
  return undefined;
}

await once(socket, 'connect');
let last = '$';
process.send?.({ type: 'ready' });
for (;;) {
  const reply = await redis.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', key, last);
  for (const [, entries] of reply ?? []) {
    for (const [id, fields] of entries) {
      last = id;
      const body = json(fields);
      if (body === undefined) continue;
      // Pipelined HTTP/1.1 on one connection keeps the entries in stream order.
      socket.write(
        `POST /pub HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
  }
  if (socket.writableNeedDrain) await once(socket, 'drain');
}
