/** Whether every reader has taken its start positions from Redis (and refilled snapshots). */
export class Readiness {
  readonly done: Promise<void>;
  isDone = false;
  private pending = 1;
  private resolve: () => void = () => {};

  constructor() {
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  /** How many readers must report before the hub counts as started (default 1). */
  expect(readers: number): void {
    this.pending = readers;
  }

  report(): void {
    if (--this.pending > 0 || this.isDone) return;
    this.isDone = true;
    this.resolve();
  }
}
