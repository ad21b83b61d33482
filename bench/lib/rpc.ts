// One request, one typed answer over a child's IPC channel, with a deadline.
import type { ChildProcess } from 'node:child_process';
import { GatewayError } from '../../src/errors.ts';

/** Sends `command` and resolves with the first message whose `type` is `replyType`. */
export function request<Reply extends { type: string }>(
  child: ChildProcess,
  command: object,
  replyType: Reply['type'],
  timeoutMs: number,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Reply): void => {
      if (message.type !== replyType) return;
      done();
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new GatewayError('internal', `bench child ${child.pid} exited (${code}) mid-request`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new GatewayError('internal', `bench child gave no '${replyType}' in ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(command);
  });
}
