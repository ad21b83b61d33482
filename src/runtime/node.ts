/** Entry point on Node.js via @hono/node-server: `npm run start:node`. Same app as on Bun. */
import { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { failToListen, onShutdown, prepare } from './start.ts';
import { nodeServeOptions } from './tls.ts';

const started = await prepare();
const { config, log, gateway, tls } = started;

const server = serve(
  {
    fetch: (request, env) => {
      // Node adds `Connection: keep-alive` to every HTTP/1.1 response unless the header is
      // removed; the contract wants none on event streams (case 008).
      if (env.outgoing instanceof ServerResponse && request.url.includes('/sse')) {
        env.outgoing.removeHeader('connection');
      }
      const { outgoing } = env;
      return gateway.app.fetch(request, {
        remoteAddress: env.incoming.socket.remoteAddress,
        // Ends an evicted client's response without an error (which node-server would log).
        abortConnection: () =>
          outgoing instanceof ServerResponse ? outgoing.destroy() : outgoing.stream.close(),
      });
    },
    port: config.port,
    hostname: config.host,
    ...(tls ? nodeServeOptions(tls) : {}),
  },
  (info: AddressInfo) => {
    log.info('listening', {
      url: `${tls ? 'https' : 'http'}://${config.host}:${info.port}`,
      runtime: `node ${process.versions.node}`,
    });
  },
);

server.once('error', (error) => failToListen(config, error));

onShutdown(started, (graceMs) => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Event streams have ended by now; idle keep-alive sockets would hold close() open.
  (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  const force = setTimeout(() => {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  }, graceMs);
  return closed.finally(() => clearTimeout(force));
});
