/** What both entry points share: config, logger, gateway, and the shutdown sequence. */
import { type Config, loadConfig } from '../config.ts';
import { type Gateway, createGateway } from '../gateway.ts';
import { type Logger, createLogger } from '../log.ts';
import { type TlsMaterial, readTlsFiles } from './tls.ts';

export type Started = { config: Config; log: Logger; gateway: Gateway; tls: TlsMaterial | null };

/** Loads config (exiting with one clear line when it is bad) and builds the gateway. */
export async function prepare(): Promise<Started> {
  try {
    const config = loadConfig();
    const tls = readTlsFiles(config.tlsCertFile, config.tlsKeyFile);
    const log = createLogger(config.logLevel);
    const gateway = await createGateway(config, log);
    return { config, log, gateway, tls };
  } catch (error) {
    process.stderr.write(`sse-gateway: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

/** A port in use or an address that is not this host's: one line, exit 2 (like bad config). */
export function failToListen(config: Config, error: unknown): never {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(
    `sse-gateway: cannot listen on ${config.host}:${config.port} (${reason}); ` +
      'set HOST and PORT to a free address of this machine\n',
  );
  process.exit(2);
}

/**
 * On SIGTERM/SIGINT: tell clients to reconnect elsewhere, stop accepting, close within
 * SHUTDOWN_TIMEOUT_MS, exit 0. The server is stopped after the client streams end, because
 * a server waits for open responses and an event stream never ends by itself.
 */
export function onShutdown(started: Started, stopServer: (graceMs: number) => Promise<void>): void {
  const { config, log, gateway } = started;
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('shutting down', { signal, clients: gateway.hub.clients.size });
    const force = setTimeout(() => process.exit(0), config.shutdownTimeoutMs + 1000);
    force.unref?.();
    const deadline = Date.now() + config.shutdownTimeoutMs;
    gateway.drain();
    // Give the final frames a moment to flush, then close whatever is still open.
    const graceMs = Math.min(1000, Math.max(0, deadline - Date.now()));
    await Promise.race([stopServer(graceMs), delay(graceMs + 500)]);
    await gateway.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
