// nginx with the nchan module as a further peer, fed from the Redis stream by a small feeder.
import { existsSync } from 'node:fs';
import { GatewayError } from '../../src/errors.ts';
import type { Running, StartContext } from './targets.ts';

const MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';

/** Why nchan cannot run here, or undefined when nginx and the module are installed. */
export function nchanMissing(): string | undefined {
  if (!existsSync('/usr/sbin/nginx') || !existsSync(MODULE)) {
    return 'nginx with the nchan module is not installed (apt-get install libnginx-mod-nchan)';
  }
  return undefined;
}

export async function startNchan(_ctx: StartContext): Promise<Running> {
  throw new GatewayError('internal', 'nchan peer not written yet');
}
