// The original Express sketch (reference/original-sketch.md), kept as written; see README.md.
// Deviations, all forced: REDIS_URL and PORT come from the environment (the bench needs free
// ports), and the route handler is closed after its `req.on("close")` block, where the
// extracted sketch lost its `});` (the evident intent: one global XREAD loop, not one per client).
// Quotes and trailing commas follow the project's formatter (Biome); the code is the sketch's.
import express from 'express';
import cors from 'cors';
import { createClient } from 'redis';

const app = express();
app.use(cors());

const redis = createClient({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6380',
});
await redis.connect();

console.log('[SSE] Connected to Redis');

// Global list of SSE clients
const clients = new Set();

// --- SSE Endpoint --- //
app.get('/sse/chain-feed', async (req, res) => {
  // SSE headers
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Connection', 'keep-alive');

  res.flushHeaders();

  res.write(`event: connected\n`);
  res.write(`data: {"status":"ok"}\n\n`);

  clients.add(res);
  console.log(`[SSE] Client connected (total=${clients.size})`);

  // Remove client on disconnect
  req.on('close', () => {
    clients.delete(res);
    console.log(`[SSE] Client disconnected (total=${clients.size})`);
  });
});

// --- Redis Stream Listener --- //
let lastId = '$'; // start from *new* messages

async function streamLoop() {
  while (true) {
    const data = await redis.xRead({ key: 'sse:chain-feed', id: lastId }, { BLOCK: 0, COUNT: 50 });

    if (!data) continue;

    const messages = data[0].messages;

    for (const msg of messages) {
      lastId = msg.id;
      const payload = msg.message.json;

      // Broadcast to all SSE clients
      for (const client of clients) {
        client.write(`event: chain\n`);
        client.write(`data: ${payload}\n\n`);
      }
    }
  }
}

streamLoop().catch((err) => console.error('[SSE ERROR]', err));

// --- Health Check --- //
app.get('/health', (req, res) => {
  res.json({ status: 'ok', clients: clients.size });
});

const port = Number(process.env.PORT ?? 7000);
app.listen(port, () => console.log(`[SSE] Gateway running on http://localhost:${port}`));
