// The bench's side of the publisher process, and the running seq counter every window shares.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkModule, stopChild } from './children.ts';
import { request } from './rpc.ts';
import type { PublisherReply } from '../load/protocol.ts';

const MODULE = fileURLToPath(new URL('../load/publisher.ts', import.meta.url));

export type RunResult = { seqFrom: number; sent: number; elapsedMs: number; maxBehind: number };

export class Publisher {
  /** The next seq to publish; never reused, so a late event cannot pass for the next window's. */
  nextSeq = 0;
  /** Instruments the entries rotate over: 1 (one fixed row) except in scenario (e). */
  instruments = 1;
  private readonly child: ChildProcess;

  constructor(redisUrl: string, key: string) {
    this.child = forkModule(MODULE, [redisUrl, key]);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async one(payloadBytes: number): Promise<void> {
    const command = { type: 'one', seq: this.nextSeq, payloadBytes, instruments: this.instruments };
    this.nextSeq += 1;
    await request(this.child, command, 'one-done', 10_000);
  }

  /** Deletes the stream, so every server starts on the same (empty) stream. */
  async clear(): Promise<void> {
    await request(this.child, { type: 'clear' }, 'cleared', 10_000);
  }

  async run(rate: number, durationMs: number, payloadBytes: number): Promise<RunResult> {
    const seqFrom = this.nextSeq;
    const { instruments } = this;
    const command = { type: 'run', rate, durationMs, seqFrom, payloadBytes, instruments };
    const reply = await request<Extract<PublisherReply, { type: 'ran' }>>(
      this.child,
      command,
      'ran',
      durationMs * 3 + 30_000,
    );
    this.nextSeq += reply.sent;
    return { seqFrom, sent: reply.sent, elapsedMs: reply.elapsedMs, maxBehind: reply.maxBehind };
  }

  async stop(): Promise<void> {
    this.child.disconnect();
    await stopChild(this.child, 2000);
  }
}
