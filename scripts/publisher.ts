/** Standalone synthetic SPX/QQQ publisher: `REDIS_URL=redis://... bun scripts/publisher.ts`. */
import { GatewayError } from '../src/errors.ts';
import { loadDemoConfig } from '../src/demo/demo-config.ts';
import { createMarket } from '../src/demo/option-model.ts';
import { createPublisher } from '../src/demo/publisher.ts';
import { createRandom } from '../src/demo/random.ts';

async function main(): Promise<void> {
  const config = loadDemoConfig(process.env);
  if (!config.REDIS_URL) {
    // No default: writing demo data into whatever Redis listens on 6379 would be a surprise.
    const hint = 'Set REDIS_URL to a Redis the publisher may write to.';
    throw new GatewayError('invalid_config', hint);
  }
  const publisher = createPublisher({
    redisUrl: config.REDIS_URL,
    prefix: config.STREAM_PREFIX,
    ratePerSecond: config.DEMO_RATE,
    market: createMarket({ random: createRandom(config.DEMO_SEED), speed: config.DEMO_SPEED }),
    onStatus: (status, error) =>
      console.log(JSON.stringify({ publisher: status, error: error?.message })),
  });
  await publisher.connect();
  publisher.start();
  console.log(
    JSON.stringify({
      publisher: 'started',
      prefix: config.STREAM_PREFIX,
      ratePerSecond: config.DEMO_RATE,
    }),
  );
  const stop = (): void => void publisher.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof GatewayError ? error.message : String(error));
  process.exit(1);
});
