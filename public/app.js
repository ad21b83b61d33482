// The demo page's wiring: one EventSource per symbol selection, its events into views and stats.
import { createChainView } from './chain-view.js';
import { createStats } from './stats.js';

const STREAMS = 'chain-feed,timeseries';
const EVENT_OF_STREAM = { 'chain-feed': 'chain', timeseries: 'timeseries' };
const $ = (id) => document.getElementById(id);

let source;
let stats = createStats();
let views = new Map();
let lastEventId = '';
let connects = 0;
let reconnects = 0;
let retryTimer;

/** What the browser test (and a curious developer) can read: `window.demo`. */
window.demo = {
  get state() {
    return $('status').dataset.state;
  },
  get totals() {
    return { ...stats.totals, reconnects };
  },
  get lastSeq() {
    return Object.fromEntries(stats.lastSeq);
  },
  get lastEventId() {
    return lastEventId;
  },
};

function log(text) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  $('log').prepend(item);
  while ($('log').children.length > 50) $('log').lastChild.remove();
}

function setState(state) {
  $('status').dataset.state = state;
  $('status').textContent = state;
}

function selectedSymbols() {
  return [...document.querySelectorAll('#picker input:checked')].map((box) => box.value);
}

function onEntry(event) {
  lastEventId = event.lastEventId;
  const payload = JSON.parse(event.data);
  stats.record(event.type, payload);
  const view = views.get(payload.symbol);
  if (event.type === 'chain') view?.quote(payload);
  else view?.spot(payload);
}

function on(type, handler) {
  source.addEventListener(type, handler);
}

/** Opens the stream; `resume` sends the last cursor, which a fresh EventSource would not. */
function connect({ resume }) {
  clearTimeout(retryTimer);
  source?.close();
  const symbols = selectedSymbols();
  const url = new URL('/sse', location.href);
  url.searchParams.set('streams', STREAMS);
  if (symbols.length > 0) url.searchParams.set('symbols', symbols.join(','));
  if (resume && lastEventId) url.searchParams.set('lastEventId', lastEventId);
  // The newest quote of every option at once, so the chain is full on arrival. A resume
  // (Last-Event-ID) takes precedence on the gateway, so reconnects get the missed entries.
  else url.searchParams.set('snapshot', '1');
  $('endpoint').textContent = `${url.pathname}${decodeURIComponent(url.search)}`;
  setState('connecting');
  source = new EventSource(url);
  on('connected', (event) => {
    connects += 1;
    if (connects > 1) reconnects += 1;
    const info = JSON.parse(event.data);
    stats.connected(info.snapshot === true);
    const how = info.resumed ? ', resumed from the last event' : info.snapshot ? ', snapshot' : '';
    log(`connected${how}`);
  });
  on('chain', onEntry);
  on('timeseries', onEntry);
  on('gap', (event) => {
    const gap = JSON.parse(event.data);
    stats.forget(EVENT_OF_STREAM[gap.stream] ?? gap.stream);
    log(`gap in ${gap.stream} (${gap.reason}): ${gap.missed ?? 'unknown'} entries missed`);
  });
  on('shutdown', () => log('gateway is draining; the browser reconnects on its own'));
  on('expired', () => log('access expired'));
  source.onopen = () => setState('open');
  source.onerror = () => {
    if (source.readyState === EventSource.CONNECTING) return setState('reconnecting');
    // EventSource never retries after a non-200 answer (429, 503, a proxy's 502): we do.
    setState('closed');
    log('the gateway refused the stream; trying again in 5 s');
    retryTimer = setTimeout(() => connect({ resume: true }), 5000);
  };
}

function subscribe() {
  const symbols = selectedSymbols();
  for (const [symbol, view] of views) if (!symbols.includes(symbol)) view.remove();
  views = new Map(symbols.map((s) => [s, views.get(s) ?? createChainView($('chains'), s)]));
  stats = createStats();
  connects = 0;
  lastEventId = '';
  connect({ resume: false });
}

const wanted = new URLSearchParams(location.search).get('symbols');
if (wanted) {
  const list = wanted.toUpperCase().split(',');
  for (const box of document.querySelectorAll('#picker input')) {
    box.checked = list.includes(box.value);
  }
}
$('picker').addEventListener('change', subscribe);
subscribe();

setInterval(() => {
  const { rate, p50, max } = stats.tick();
  $('rate').textContent = String(rate);
  $('latency').textContent = p50 === undefined ? '–' : `${p50} / ${max} ms`;
  $('missed').textContent = `${stats.totals.missed} / ${stats.totals.repeated}`;
  $('reconnects').textContent = String(reconnects);
}, 1000);
setInterval(() => {
  const age = stats.ageMs();
  $('age').textContent = age === undefined ? '–' : `${(age / 1000).toFixed(1)} s ago`;
}, 250);
