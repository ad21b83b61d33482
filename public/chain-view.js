// One symbol's option chain as a table whose cells are updated in place as quotes arrive.
const FIELDS = ['bid', 'ask', 'iv', 'delta'];
const LABELS = { bid: 'Bid', ask: 'Ask', iv: 'IV', delta: 'Δ' };
// `+ 0` turns -0 into 0, and the replace keeps a tiny negative from showing as "-0.00".
const fixed = (v, digits) => (v + 0).toFixed(digits).replace(/^-(0\.0*)$/, '$1');
const format = {
  bid: (v) => fixed(v, 2),
  ask: (v) => fixed(v, 2),
  iv: (v) => `${fixed(v * 100, 1)}%`,
  delta: (v) => fixed(v, 2),
};

function element(tag, attributes = {}, text = '') {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.textContent = text;
  return node;
}

/** Creates the view for `symbol` inside `container`; returns its update functions. */
export function createChainView(container, symbol) {
  const section = element('section', { class: 'chain', 'data-symbol': symbol });
  const heading = element('h2', {}, symbol);
  const spotLabel = element('span', { class: 'spot', 'data-field': 'spot' }, '–');
  const picker = element('select', { 'aria-label': `${symbol} expiry` });
  heading.append(spotLabel, picker);
  const table = element('table');
  const head = table.createTHead();
  const groups = head.insertRow();
  groups.append(
    element('th', { colspan: '4' }, 'Calls'),
    element('th'),
    element('th', { colspan: '4' }, 'Puts'),
  );
  const names = head.insertRow();
  for (const field of FIELDS) names.append(element('th', {}, LABELS[field]));
  names.append(element('th', {}, 'Strike'));
  for (const field of FIELDS) names.append(element('th', {}, LABELS[field]));
  const body = table.createTBody();
  section.append(heading, table);
  container.append(section);

  const quotes = new Map(); // `${expiry}|${strike}|${right}` → latest quote, for expiry switches
  const rows = new Map(); // strike → { tr, cells: { C: {...}, P: {...} } } of the shown expiry
  let expiry = '';
  let chosen = false;
  let spot = NaN;

  function row(strike) {
    let found = rows.get(strike);
    if (found) return found;
    const tr = element('tr', { 'data-strike': String(strike) });
    const cells = { C: {}, P: {} };
    const cell = (right, field) =>
      (cells[right][field] = element('td', { 'data-right': right }, '–'));
    for (const field of FIELDS) tr.append(cell('C', field));
    tr.append(element('td', { class: 'strike' }, String(strike)));
    for (const field of FIELDS) tr.append(cell('P', field));
    found = { tr, cells, strike };
    rows.set(strike, found);
    // Keep strikes ascending: insert before the lowest strike above this one.
    let after;
    for (const r of rows.values()) {
      if (r.strike > strike && (!after || r.strike < after.strike)) after = r;
    }
    body.insertBefore(tr, after ? after.tr : null);
    return found;
  }

  function show(quote, flash) {
    const { cells } = row(quote.strike);
    for (const field of FIELDS) {
      const cell = cells[quote.right][field];
      cell.textContent = format[field](quote[field]);
      cell.dataset.seq = String(quote.seq);
      if (flash) {
        cell.classList.remove('flash');
        void cell.offsetWidth; // restart the animation
        cell.classList.add('flash');
      }
    }
  }

  function addExpiry(date) {
    if ([...picker.options].some((o) => o.value === date)) return;
    const next = [...picker.options].find((o) => o.value > date);
    picker.insertBefore(element('option', { value: date }, date), next ?? null);
    if (!chosen && (expiry === '' || date < expiry)) selectExpiry(date);
  }

  function selectExpiry(date) {
    expiry = date;
    picker.value = date;
    rows.clear();
    body.replaceChildren();
    for (const quote of quotes.values()) if (quote.expiry === date) show(quote, false);
    markMoneyness();
  }

  function markMoneyness() {
    if (Number.isNaN(spot)) return;
    let atm;
    for (const r of rows.values()) {
      if (!atm || Math.abs(r.strike - spot) < Math.abs(atm.strike - spot)) atm = r;
      for (const field of FIELDS) {
        r.cells.C[field].classList.toggle('itm', r.strike < spot);
        r.cells.P[field].classList.toggle('itm', r.strike > spot);
      }
    }
    for (const r of rows.values()) r.tr.classList.toggle('atm', r === atm);
  }

  picker.addEventListener('change', () => {
    chosen = true;
    selectExpiry(picker.value);
  });

  return {
    /** Applies one `chain` payload. */
    quote(update) {
      quotes.set(`${update.expiry}|${update.strike}|${update.right}`, update);
      addExpiry(update.expiry);
      if (update.expiry === expiry) show(update, true);
    },
    /** Applies one `timeseries` payload. */
    spot(point) {
      spotLabel.classList.toggle('up', point.spot > spot);
      spotLabel.classList.toggle('down', point.spot < spot);
      spot = point.spot;
      spotLabel.textContent = spot.toFixed(2);
      markMoneyness();
    },
    remove: () => section.remove(),
  };
}
