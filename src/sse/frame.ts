/** The SSE frame encoder (WHATWG HTML §9.2.6): pure, exact, LF line endings only. */

export type Frame = {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
};

const LINE_BREAK = /\r\n|\r|\n/;
const FORBIDDEN_IN_FIELD = /[\r\n\0]/;

/**
 * Encodes one event. `data` is split on CRLF, CR and LF so that every piece becomes its own
 * `data:` line and a browser reassembles the payload unchanged (joined with LF, which is the
 * only loss the format imposes). `id` and `event` must be single-line: a line break there
 * would let a payload inject fields, so it throws instead.
 */
export function encodeFrame(frame: Frame): string {
  let out = '';
  if (frame.retry !== undefined) {
    if (!Number.isSafeInteger(frame.retry) || frame.retry < 0) {
      throw new RangeError(`retry must be a non-negative integer, got ${frame.retry}`);
    }
    out += `retry: ${frame.retry}\n`;
  }
  if (frame.id !== undefined) out += `id: ${singleLine('id', frame.id)}\n`;
  if (frame.event !== undefined) out += `event: ${singleLine('event', frame.event)}\n`;
  if (frame.data !== undefined) out += encodeData(frame.data);
  return `${out}\n`;
}

/** `data:` lines for a payload, each ending in LF; never a bare CR on the wire. */
export function encodeData(data: string): string {
  if (data.indexOf('\n') === -1 && data.indexOf('\r') === -1) return `data: ${data}\n`;
  let out = '';
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out;
}

/** A comment frame, used for heartbeats; it carries no field and dispatches nothing. */
export function encodeComment(text: string): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += `: ${line}\n`;
  return `${out}\n`;
}

function singleLine(field: string, value: string): string {
  if (FORBIDDEN_IN_FIELD.test(value)) {
    throw new RangeError(`${field} must not contain CR, LF or NUL`);
  }
  return value;
}

/**
 * The part of an entry's frame that is the same for every subscriber: event and data lines
 * and the blank line. Callers put `id: <cursor>\n` in front; `event` is checked at start-up.
 */
export function encodeEntryBody(event: string, payload: string): string {
  return `event: ${event}\n${encodeData(payload)}\n`;
}
