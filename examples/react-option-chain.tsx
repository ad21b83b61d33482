/** React example (not built here): the original sketch's option chain on the typed SSE client. */
// The sketch's snippet rendered once per event, and its gateway sent no ids, so a reconnect
// lost whatever was published meanwhile. This hook keeps one connection for all symbols,
// resumes with Last-Event-ID, renders once per frame, and shows connection state and
// staleness. Needs react and react-dom in the app.
import { useEffect, useMemo, useRef, useState } from 'react';
import { createSseClient, type SseClientState } from '../src/client/index.ts';
// One `chain` event's payload, as the demo publisher writes it.
import type { ChainUpdate } from '../src/demo/option-model.ts';

export type OptionChain = {
  /** Latest quote per `symbol|expiry|strike|right`. */
  quotes: ReadonlyMap<string, ChainUpdate>;
  spots: ReadonlyMap<string, number>;
  state: SseClientState;
  /** Seconds since the last event, refreshed once a second; shows a stale feed. */
  ageSeconds: number | undefined;
  /** Set when the gateway refused the stream for good (bad token, unknown stream ...). */
  error: string | undefined;
};

const keyOf = (q: ChainUpdate): string => `${q.symbol}|${q.expiry}|${q.strike}|${q.right}`;

/** Subscribes to `chain-feed` and `timeseries` for `symbols` on one connection. */
export function useOptionChain(url: string, symbols: readonly string[], token?: string) {
  const [chain, setChain] = useState<OptionChain>({
    quotes: new Map(),
    spots: new Map(),
    state: 'connecting',
    ageSeconds: undefined,
    error: undefined,
  });
  const pending = useRef({ quotes: new Map<string, ChainUpdate>(), spots: new Map() });
  const symbolKey = symbols.join(',');

  useEffect(() => {
    let frame = 0;
    const flush = (): void => {
      frame = 0;
      const batch = pending.current;
      pending.current = { quotes: new Map(), spots: new Map() };
      setChain((prev) => ({
        ...prev,
        quotes: new Map([...prev.quotes, ...batch.quotes]),
        spots: new Map([...prev.spots, ...batch.spots]),
      }));
    };
    const client = createSseClient({
      url,
      streams: ['chain-feed', 'timeseries'],
      symbols: symbolKey.split(','),
      ...(token ? { token } : {}),
      onEvent: (event) => {
        if (event.type === 'chain') {
          const quote = JSON.parse(event.data) as ChainUpdate;
          pending.current.quotes.set(keyOf(quote), quote);
        } else if (event.type === 'timeseries') {
          const point = JSON.parse(event.data) as { symbol: string; spot: number };
          pending.current.spots.set(point.symbol, point.spot);
        } else {
          return; // connected, gap, shutdown: the client handles reconnects itself
        }
        // Hundreds of updates a second become one render per frame.
        if (frame === 0) frame = requestAnimationFrame(flush);
      },
      onStateChange: (state) => setChain((prev) => ({ ...prev, state })),
      onError: (error) => setChain((prev) => ({ ...prev, error: error.message })),
    });
    const ticker = setInterval(() => {
      const age = client.lastEventAgeMs();
      setChain((prev) => ({ ...prev, ageSeconds: age === undefined ? undefined : age / 1000 }));
    }, 1000);
    return () => {
      cancelAnimationFrame(frame);
      clearInterval(ticker);
      client.close();
    };
  }, [url, symbolKey, token]);

  return chain;
}

/** A chain table for one symbol and expiry: calls left, strikes in the middle, puts right. */
export function OptionChainTable(props: { chain: OptionChain; symbol: string; expiry: string }) {
  const { chain, symbol, expiry } = props;
  const rows = useMemo(() => {
    const byStrike = new Map<number, { C?: ChainUpdate; P?: ChainUpdate }>();
    for (const quote of chain.quotes.values()) {
      if (quote.symbol !== symbol || quote.expiry !== expiry) continue;
      byStrike.set(quote.strike, { ...byStrike.get(quote.strike), [quote.right]: quote });
    }
    return [...byStrike.entries()].sort(([a], [b]) => a - b);
  }, [chain.quotes, symbol, expiry]);
  const cells = (q: ChainUpdate | undefined) =>
    [
      q?.bid.toFixed(2),
      q?.ask.toFixed(2),
      q && `${(q.iv * 100).toFixed(1)}%`,
      q?.delta.toFixed(2),
    ].map((text, i) => <td key={i}>{text ?? '–'}</td>);

  return (
    <section>
      <h2>
        {symbol} {chain.spots.get(symbol)?.toFixed(2) ?? '–'} <small>{chain.state}</small>
        {chain.ageSeconds !== undefined && chain.ageSeconds > 5 && <small> stale</small>}
      </h2>
      {chain.error && <p role="alert">{chain.error}</p>}
      <table>
        <tbody>
          {rows.map(([strike, pair]) => (
            <tr key={strike}>
              {cells(pair.C)}
              <th>{strike}</th>
              {cells(pair.P)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Usage: `<App />` in a page served next to the gateway. */
export function App() {
  const chain = useOptionChain('/sse', ['SPX', 'QQQ']);
  return (
    <>
      <OptionChainTable chain={chain} symbol="SPX" expiry="2026-12-11" />
      <OptionChainTable chain={chain} symbol="QQQ" expiry="2026-12-11" />
    </>
  );
}
