/** Entry point on Node.js via @hono/node-server: `npm run start:node`. Same app as on Bun. */
import { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { onShutdown, prepare } from './start.ts';

const started = await prepare();
const { config, log, gateway } = started;

const server = serve(
  {
    fetch: (request, env) => {
      // Node adds `Connection: keep-alive` to every HTTP/1.1 response unless the header is
      // removed; the contract wants none on event streams (case 008).
      if (env.outgoing instanceof ServerResponse && request.url.includes('/sse')) {
        env.outgoing.removeHeader('connection');
      }
      return gateway.app.fetch(request, { remoteAddress: env.incoming.socket.remoteAddress });
    },
    port: config.port,
    hostname: config.host,
  },
  (info: AddressInfo) => {
    log.info('listening', {
      url: `http://${config.host}:${info.port}`,
      runtime: `node ${process.versions.node}`,
    });
  },
);

onShutdown(started, () => new Promise<void>((resolve) => server.close(() => resolve())));
