/**
 * Child process (real Node, via tsx) holding hundreds of raw SSE clients that behave like
 * browsers: on a closed stream they wait the server's `retry:` and come back with their
 * Last-Event-ID to whichever gateway the parent names. Driven by fleet.ts with one JSON
 * command per stdin line; answers one JSON line on stdout.
 */
import { createInterface } from 'node:readline';
import { type RawSse, isEntry, openRawSse } from './raw-sse.ts';

export type FleetCommand =
  | { type: 'open'; clients: number; port: number; path: string }
  | { type: 'target'; port: number }
  | { type: 'status' }
  | { type: 'exit' };

export type FleetStatus = {
  type: 'status';
  /** Clients whose current connection got its `connected` event. */
  connected: number;
  /** Lowest and highest last seq over all clients. */
  minSeq: number;
  maxSeq: number;
  connections: number;
  lost: number;
  duplicated: number;
  received: number;
  gaps: number;
  shutdowns: number;
};

/** One browser tab: checks order as it goes, so 1,000 tabs need no per-entry memory. */
class Tab {
  lastSeq = 0;
  lastId: string | undefined;
  received = 0;
  lost = 0;
  duplicated = 0;
  gaps = 0;
  shutdowns = 0;
  connections = 0;
  open = false;
  private sse: RawSse | undefined;

  constructor(private readonly path: string) {}

  connect(port: () => number): void {
    this.connections++;
    const headers: Record<string, string> = {};
    if (this.lastId !== undefined) headers['Last-Event-ID'] = this.lastId;
    const sse = openRawSse({
      port: port(),
      path: this.path,
      headers,
      keepEvents: false,
      onEvent: (event) => {
        if (event.type === 'connected') this.open = true;
        if (event.type === 'gap') this.gaps++;
        if (event.type === 'shutdown') this.shutdowns++;
        if (!isEntry(event)) return;
        const at = event.data.indexOf('"seq":') + 6;
        const seq = Number(event.data.slice(at, event.data.indexOf('}', at)));
        this.received++;
        if (seq <= this.lastSeq) this.duplicated++;
        else this.lost += seq - this.lastSeq - 1;
        this.lastSeq = Math.max(this.lastSeq, seq);
        this.lastId = event.id;
      },
    });
    this.sse = sse;
    // A refusal (503, 429...) is not a stream: drop it and try again later, like a client would.
    sse.head.then((head) => head.status !== 200 && sse.reset()).catch(() => {});
    void sse.closed.then(() => {
      if (this.sse !== sse || leaving) return;
      this.open = false;
      // As EventSource does: wait the server's retry (with its jitter), then come back.
      const delayMs = sse.stats.retryMs ?? 500;
      setTimeout(() => this.connect(port), delayMs);
    });
  }

  close(): void {
    this.sse?.reset();
  }
}

let leaving = false;
let targetPort = 0;
const tabs: Tab[] = [];

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as FleetCommand;
  if (command.type === 'open') {
    targetPort = command.port;
    for (let i = 0; i < command.clients; i++) {
      const tab = new Tab(command.path);
      tabs.push(tab);
      tab.connect(() => targetPort);
    }
  } else if (command.type === 'target') {
    targetPort = command.port;
  } else if (command.type === 'status') {
    process.stdout.write(`${JSON.stringify(status())}\n`);
  } else {
    leaving = true;
    for (const tab of tabs) tab.close();
    process.exit(0);
  }
});

function status(): FleetStatus {
  const sum = (pick: (tab: Tab) => number) => tabs.reduce((total, tab) => total + pick(tab), 0);
  return {
    type: 'status',
    connected: tabs.filter((tab) => tab.open).length,
    minSeq: Math.min(...tabs.map((tab) => tab.lastSeq)),
    maxSeq: Math.max(...tabs.map((tab) => tab.lastSeq)),
    connections: sum((tab) => tab.connections),
    lost: sum((tab) => tab.lost),
    duplicated: sum((tab) => tab.duplicated),
    received: sum((tab) => tab.received),
    gaps: sum((tab) => tab.gaps),
    shutdowns: sum((tab) => tab.shutdowns),
  };
}
