/** `npm run demo`: private Redis, synthetic SPX/QQQ feed and the gateway, then the page URL. */
import { GatewayError } from '../src/errors.ts';
import { freePort, portIsFree } from '../src/demo/child-process.ts';
import { loadDemoConfig } from '../src/demo/demo-config.ts';
import { startGateway, type GatewayProcess } from '../src/demo/gateway-process.ts';
import { createMarket } from '../src/demo/option-model.ts';
import { createPublisher, type Publisher } from '../src/demo/publisher.ts';
import { createRandom } from '../src/demo/random.ts';
import { startRedisServer, type RedisServer } from '../src/demo/redis-server.ts';

const say = (message: string): void => console.log(`[demo] ${message}`);

let redis: RedisServer | undefined;
let publisher: Publisher | undefined;
let gateway: GatewayProcess | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping ...');
    await publisher?.stop();
    await gateway?.stop();
    await redis?.stop();
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const config = loadDemoConfig(process.env);
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  let redisUrl = config.REDIS_URL;
  if (!redisUrl) {
    redis = await startRedisServer();
    redisUrl = redis.url;
    say(`started redis-server (pid ${redis.process.pid}) on ${redisUrl}`);
  } else {
    say(`using REDIS_URL; writing only ${config.STREAM_PREFIX}* keys, capped at ~100000 entries`);
  }

  publisher = createPublisher({
    redisUrl,
    prefix: config.STREAM_PREFIX,
    ratePerSecond: config.DEMO_RATE,
    market: createMarket({ random: createRandom(config.DEMO_SEED), speed: config.DEMO_SPEED }),
    onStatus: (status, error) =>
      say(
        status === 'ok'
          ? 'publisher writing again'
          : `publisher cannot write: ${error?.message ?? 'unknown error'}`,
      ),
  });
  await publisher.connect();
  publisher.start();

  const port = config.PORT ?? ((await portIsFree(7000, config.HOST)) ? 7000 : await freePort());
  gateway = await startGateway({
    port,
    host: config.HOST,
    env: {
      REDIS_URL: redisUrl,
      STREAM_PREFIX: config.STREAM_PREFIX,
      STREAMS: 'chain-feed,timeseries',
    },
    onLine: (line) => console.log(`[gateway] ${line}`),
  });
  gateway.process.once('exit', (code, signal) => {
    if (stopping) return;
    say(`the gateway exited unexpectedly (${code ?? signal}); stopping the demo`);
    void shutdown(1);
  });
  say(
    `SPX and QQQ option chains at ${config.DEMO_RATE} updates/s, streams ` +
      `${config.STREAM_PREFIX}chain-feed and ${config.STREAM_PREFIX}timeseries`,
  );
  say(`open ${gateway.url}/  (Ctrl-C stops everything)`);
}

main().catch(async (error: unknown) => {
  const message = error instanceof GatewayError ? error.message : String(error);
  console.error(`[demo] ${message}`);
  await shutdown(1);
});
