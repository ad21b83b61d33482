/** Connection limits in total and per token or IP, and counts of why clients left. */
import { GatewayError } from '../errors.ts';
import type { CloseReason } from './client.ts';

export class Admission {
  readonly closedBy: Record<CloseReason, number> = {
    client_gone: 0,
    slow: 0,
    expired: 0,
    shutdown: 0,
    error: 0,
  };
  opened = 0;
  rejected = 0;
  private readonly perKey = new Map<string, number>();

  /** `maxTotal` and `maxPerKey` of 0 mean no limit. */
  constructor(
    private readonly maxTotal: number,
    private readonly maxPerKey: number,
  ) {}

  /** Takes a slot for `key`, or throws 503 at_capacity / 429 too_many_connections. */
  admit(key: string, openClients: number): void {
    this.check(key, openClients);
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    this.opened++;
  }

  /** Throws what admit() would throw, without taking a slot (for HEAD). */
  check(key: string, openClients: number): void {
    // The contract checks 429 (per key) before 503 (in total).
    const count = this.perKey.get(key) ?? 0;
    if (this.maxPerKey > 0 && count >= this.maxPerKey) {
      this.rejected++;
      throw new GatewayError(
        'too_many_connections',
        `at most ${this.maxPerKey} connections per token or address; close one and retry`,
        { retryAfterSeconds: 5 },
      );
    }
    if (this.maxTotal > 0 && openClients >= this.maxTotal) {
      this.rejected++;
      throw new GatewayError(
        'at_capacity',
        'the gateway serves as many clients as it is configured for; retry later',
        { retryAfterSeconds: 5 },
      );
    }
  }

  /** Gives the slot back; called from the client's single close path. */
  release(key: string, reason: CloseReason): void {
    this.closedBy[reason]++;
    const count = (this.perKey.get(key) ?? 1) - 1;
    if (count <= 0) this.perKey.delete(key);
    else this.perKey.set(key, count);
  }
}
