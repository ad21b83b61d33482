// Counters the page shows: events per second, delivery latency, and seq continuity per feed.

/** Tracks one subscription's deliveries; `tick()` closes a one-second window. */
export function createStats() {
  const lastSeq = new Map(); // `${event}:${symbol}` → last seq seen
  // A snapshot holds the newest quote per option, so chain seqs jump inside it. The gateway
  // sends it stream by stream in name order, so the first timeseries event ends the chain part.
  let inSnapshot = false;
  let windowCount = 0;
  let windowLatencies = [];
  let lastEventAt;
  const totals = { events: 0, missed: 0, repeated: 0, gaps: 0 };
  let shown = { rate: 0, p50: undefined, max: undefined };

  return {
    totals,
    lastSeq,
    /** Records one entry; returns false when its seq repeats or goes back (a duplicate). */
    record(event, payload) {
      const now = Date.now();
      lastEventAt = now;
      totals.events += 1;
      windowCount += 1;
      if (typeof payload.ts === 'number') windowLatencies.push(now - payload.ts);
      const key = `${event}:${payload.symbol}`;
      const previous = lastSeq.get(key);
      lastSeq.set(key, payload.seq);
      if (event === 'timeseries') inSnapshot = false;
      if (previous === undefined || typeof payload.seq !== 'number') return true;
      if (payload.seq === previous + 1) return true;
      if (inSnapshot && payload.seq > previous) return true;
      // A restarted publisher counts from 1 again; that is a new feed, not a repeat.
      if (payload.seq === 1) return true;
      if (payload.seq > previous + 1) {
        totals.missed += payload.seq - previous - 1;
        return true;
      }
      totals.repeated += 1;
      return false;
    },
    /** Called per `connected` event: whether this connection starts with a snapshot. */
    connected(withSnapshot) {
      inSnapshot = withSnapshot;
    },
    /** After a `gap` event the jump in seq is announced, so it does not count as missed. */
    forget(event) {
      totals.gaps += 1;
      for (const key of [...lastSeq.keys()]) if (key.startsWith(`${event}:`)) lastSeq.delete(key);
    },
    tick() {
      const sorted = windowLatencies.sort((a, b) => a - b);
      shown = {
        rate: windowCount,
        p50: sorted[Math.floor(sorted.length / 2)],
        max: sorted[sorted.length - 1],
      };
      windowCount = 0;
      windowLatencies = [];
      return shown;
    },
    ageMs: () => (lastEventAt === undefined ? undefined : Date.now() - lastEventAt),
  };
}
