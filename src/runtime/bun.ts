/** Entry point on Bun: `npm start`. */
import { failToListen, onShutdown, prepare } from './start.ts';
import { bunServeOptions } from './tls.ts';

const started = await prepare();
const { config, log, gateway, tls } = started;

const server = serve();

function serve() {
  try {
    return Bun.serve({
      port: config.port,
      hostname: config.host,
      ...(tls ? bunServeOptions(tls) : {}),
      // Bun closes connections idle for `idleTimeout` even mid-response (oven-sh/bun#27479);
      // event streams opt out per request below, everything else keeps the default.
      fetch(request, bunServer) {
        if (new URL(request.url).pathname.startsWith('/sse')) bunServer.timeout(request, 0);
        const remoteAddress = bunServer.requestIP(request)?.address;
        return gateway.app.fetch(request, { remoteAddress });
      },
    });
  } catch (error) {
    return failToListen(config, error);
  }
}

const scheme = tls ? 'https' : 'http';
log.info('listening', {
  url: `${scheme}://${config.host}:${server.port}`,
  runtime: `bun ${Bun.version}`,
});
onShutdown(started, async (graceMs) => {
  const force = setTimeout(() => server.stop(true), graceMs);
  await server.stop();
  clearTimeout(force);
});
