/** An incremental event-stream parser following the WHATWG HTML "event stream interpretation". */

/** One dispatched event: its type (`message` when unnamed), data and the last event ID. */
export type SseEvent = { type: string; data: string; id: string };

export type SseParserHandlers = {
  onEvent(event: SseEvent): void;
  /** A valid `retry:` field (ASCII digits only), in milliseconds. */
  onRetry?(ms: number): void;
  /** A comment line without its leading colon, e.g. a heartbeat. */
  onComment?(text: string): void;
};

export type SseParser = {
  /** Feeds decoded text; chunk boundaries may fall anywhere, even inside a CRLF. */
  feed(text: string): void;
  /** Forgets a half-received line and event, as a new connection must; keeps the last ID. */
  reset(): void;
  /** The ID to resume from: set by an `id:` line only once a blank line ends its event. */
  readonly lastEventId: string;
};

/**
 * Creates a parser. `lastEventId` seeds the last-event-ID buffer, which the spec keeps for
 * the life of the EventSource, so an event without an `id:` line still reports it.
 */
export function createSseParser(handlers: SseParserHandlers, lastEventId = ''): SseParser {
  let partial = '';
  // A chunk that ends in CR may be the first half of a CRLF: skip one LF at the next start.
  let skipLeadingLf = false;
  let data = '';
  let hasData = false;
  let type = '';
  let idBuffer = lastEventId;
  let committedId = lastEventId;

  const dispatch = (): void => {
    // The spec commits the ID at every blank line, even one that ends an event without data.
    committedId = idBuffer;
    if (hasData) {
      handlers.onEvent({ type: type || 'message', data, id: idBuffer });
    }
    data = '';
    hasData = false;
    type = '';
  };

  const line = (text: string): void => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return handlers.onComment?.(text.slice(1));
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        type = value;
        break;
      case 'data':
        data = hasData ? `${data}\n${value}` : value;
        hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) idBuffer = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) handlers.onRetry?.(Number(value));
        break;
      default:
      // Unknown fields are ignored, as the spec requires.
    }
  };

  return {
    get lastEventId() {
      return committedId;
    },
    feed(text) {
      let start = 0;
      if (skipLeadingLf && text.startsWith('\n')) start = 1;
      skipLeadingLf = false;
      for (let i = start; i < text.length; i++) {
        const char = text.charCodeAt(i);
        if (char !== 10 && char !== 13) continue;
        line(partial + text.slice(start, i));
        partial = '';
        if (char === 13) {
          if (i + 1 === text.length) skipLeadingLf = true;
          else if (text.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
      partial += text.slice(start);
    },
    reset() {
      partial = '';
      skipLeadingLf = false;
      data = '';
      hasData = false;
      type = '';
      idBuffer = committedId;
    },
  };
}
