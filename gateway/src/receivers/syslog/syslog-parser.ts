// RFC 5424 and RFC 3164 (BSD) syslog messages, parsed by hand with indexOf: this runs once per
// message on the receive path, and both grammars are small. No syslog library on npm is both
// kept up and faster than this (they build objects per field and parse with regexes).
import { rfc3339ToUnixNano } from '../logs/rfc3339.ts';

export interface StructuredElement {
  id: string;
  params: [name: string, value: string][];
}

export interface SyslogMessage {
  facility: number;
  severity: number;
  /** 1 for RFC 5424, 0 for RFC 3164. */
  version: number;
  /** Unix nanoseconds; 0n when the message has none (`-`). */
  timeUnixNano: bigint;
  hostname: string | undefined;
  appname: string | undefined;
  procid: string | undefined;
  msgid: string | undefined;
  structuredData: StructuredElement[] | undefined;
  message: string;
}

export type Protocol = 'auto' | 'rfc5424' | 'rfc3164';

export interface ParseOptions {
  protocol: Protocol;
  /** RFC 3164 zone: timestamps are read as UTC or as local time. */
  utc: boolean;
  /** Now, ms (RFC 3164 timestamps carry no year). */
  now: number;
}

/** The parsed message, or a string saying why `text` is not syslog. */
export function parseSyslog(text: string, options: ParseOptions): SyslogMessage | string {
  if (text.charCodeAt(0) !== 60 /* < */) return 'no <PRI> at the start';
  const close = text.indexOf('>', 1);
  if (close < 2 || close > 4) return 'no <PRI> at the start';
  let priority = 0;
  for (let i = 1; i < close; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return 'PRI is not a number';
    priority = priority * 10 + digit;
  }
  if (priority > 191) return `PRI ${priority} is out of range (0-191)`;
  const facility = priority >> 3;
  const severity = priority & 7;
  const is5424 = text.charCodeAt(close + 1) === 49 /* 1 */ && text.charCodeAt(close + 2) === 32; /* space */
  if (options.protocol === 'rfc5424' || (options.protocol === 'auto' && is5424)) {
    if (!is5424) return 'not RFC 5424: VERSION 1 expected after PRI';
    return parse5424(text, close + 3, facility, severity);
  }
  return parse3164(text, close + 1, facility, severity, options);
}

function nil(field: string): string | undefined {
  return field === '-' ? undefined : field;
}

function parse5424(text: string, from: number, facility: number, severity: number): SyslogMessage | string {
  // The five header fields, each up to the next space (no array per message).
  let space = text.indexOf(' ', from);
  if (space < 0) return 'RFC 5424 header is cut short';
  const timestamp = text.slice(from, space);
  let position = space + 1;
  space = text.indexOf(' ', position);
  if (space < 0) return 'RFC 5424 header is cut short';
  const hostname = text.slice(position, space);
  position = space + 1;
  space = text.indexOf(' ', position);
  if (space < 0) return 'RFC 5424 header is cut short';
  const appname = text.slice(position, space);
  position = space + 1;
  space = text.indexOf(' ', position);
  if (space < 0) return 'RFC 5424 header is cut short';
  const procid = text.slice(position, space);
  position = space + 1;
  space = text.indexOf(' ', position);
  if (space < 0) return 'RFC 5424 header is cut short';
  const msgid = text.slice(position, space);
  position = space + 1;
  let timeUnixNano = 0n;
  if (timestamp !== '-') {
    const parsed = rfc3339ToUnixNano(timestamp);
    if (parsed === undefined) return `RFC 5424 TIMESTAMP ${JSON.stringify(timestamp.slice(0, 40))} is not RFC 3339`;
    timeUnixNano = parsed;
  }
  let structuredData: StructuredElement[] | undefined;
  if (text.charCodeAt(position) === 45 /* - */) {
    position++;
  } else if (text.charCodeAt(position) === 91 /* [ */) {
    const parsed = parseStructuredData(text, position);
    if (typeof parsed === 'string') return parsed;
    structuredData = parsed.elements;
    position = parsed.end;
  } else {
    return 'RFC 5424 STRUCTURED-DATA must be - or [...]';
  }
  let message = '';
  if (position < text.length) {
    if (text.charCodeAt(position) !== 32) return 'RFC 5424 MSG must follow STRUCTURED-DATA after a space';
    message = text.slice(text.charCodeAt(position + 1) === 0xfeff ? position + 2 : position + 1);
  }
  return {
    facility,
    severity,
    version: 1,
    timeUnixNano,
    hostname: nil(hostname),
    appname: nil(appname),
    procid: nil(procid),
    msgid: nil(msgid),
    structuredData,
    message,
  };
}

/** `[id name="value" ...][id2 ...]`, values with `\"`, `\\` and `\]` escapes. */
function parseStructuredData(text: string, from: number): { elements: StructuredElement[]; end: number } | string {
  const elements: StructuredElement[] = [];
  let position = from;
  while (text.charCodeAt(position) === 91 /* [ */) {
    let end = position + 1;
    while (end < text.length && text.charCodeAt(end) !== 32 && text.charCodeAt(end) !== 93) end++;
    const id = text.slice(position + 1, end);
    if (id.length === 0) return 'RFC 5424 SD-ELEMENT without an SD-ID';
    const element: StructuredElement = { id, params: [] };
    position = end;
    for (;;) {
      const code = text.charCodeAt(position);
      if (code === 93 /* ] */) {
        position++;
        break;
      }
      if (code !== 32) return `RFC 5424 SD-ELEMENT [${id}] is not closed`;
      const equals = text.indexOf('="', position + 1);
      if (equals < 0) return `RFC 5424 SD-PARAM in [${id}] has no ="value"`;
      const name = text.slice(position + 1, equals);
      let value = '';
      let cursor = equals + 2;
      for (;;) {
        if (cursor >= text.length) return `RFC 5424 SD-PARAM ${name} in [${id}] has no closing quote`;
        const c = text.charCodeAt(cursor);
        if (c === 34 /* " */) break;
        if (c === 92 /* \ */) {
          const next = text.charCodeAt(cursor + 1);
          if (next === 34 || next === 92 || next === 93) {
            value += text[cursor + 1];
            cursor += 2;
            continue;
          }
        }
        value += text[cursor];
        cursor++;
      }
      element.params.push([name, value]);
      position = cursor + 1;
    }
    elements.push(element);
  }
  return { elements, end: position };
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/**
 * `Mmm dd hh:mm:ss HOST TAG[PID]: MSG` (RFC 3164 section 4.1; also an RFC 3339 timestamp, as
 * rsyslog writes). Lenient as the RFC asks: what does not fit a field stays in the message.
 */
function parse3164(
  text: string,
  from: number,
  facility: number,
  severity: number,
  options: ParseOptions,
): SyslogMessage | string {
  let position = from;
  let timeUnixNano = 0n;
  const stamp = bsdTimestamp(text, position, options);
  if (stamp !== undefined) {
    timeUnixNano = stamp;
    position += 16;
  } else {
    const space = text.indexOf(' ', position);
    const iso = space > position ? rfc3339ToUnixNano(text.slice(position, space)) : undefined;
    if (iso !== undefined) {
      timeUnixNano = iso;
      position = space + 1;
    }
  }
  let hostname: string | undefined;
  if (timeUnixNano !== 0n) {
    const space = text.indexOf(' ', position);
    if (space > position) {
      hostname = text.slice(position, space);
      position = space + 1;
    }
  }
  let appname: string | undefined;
  let procid: string | undefined;
  // TAG: up to 32 alphanumeric-ish characters ended by `[`, `:` or a space.
  let end = position;
  const limit = Math.min(text.length, position + 48);
  while (end < limit) {
    const c = text.charCodeAt(end);
    if (c === 58 /* : */ || c === 91 /* [ */ || c === 32) break;
    end++;
  }
  if (end > position && end < limit) {
    const tagEnd = text.charCodeAt(end);
    if (tagEnd === 91) {
      const closeBracket = text.indexOf(']', end);
      if (closeBracket > end && text.charCodeAt(closeBracket + 1) === 58) {
        appname = text.slice(position, end);
        procid = text.slice(end + 1, closeBracket);
        position = closeBracket + 2;
      }
    } else if (tagEnd === 58) {
      appname = text.slice(position, end);
      position = end + 1;
    }
  }
  if (text.charCodeAt(position) === 32) position++;
  return {
    facility,
    severity,
    version: 0,
    timeUnixNano,
    hostname,
    appname,
    procid,
    msgid: undefined,
    structuredData: undefined,
    message: text.slice(position),
  };
}

/** `Mmm dd hh:mm:ss ` (day space-padded) at `from`, in Unix nanoseconds. */
function bsdTimestamp(text: string, from: number, options: ParseOptions): bigint | undefined {
  if (text.length < from + 16 || text.charCodeAt(from + 15) !== 32) return undefined;
  const month = MONTHS[text.slice(from, from + 3)];
  if (month === undefined || text.charCodeAt(from + 3) !== 32) return undefined;
  const day = Number(text.slice(from + 4, from + 6).trim());
  const hours = Number(text.slice(from + 7, from + 9));
  const minutes = Number(text.slice(from + 10, from + 12));
  const seconds = Number(text.slice(from + 13, from + 15));
  if (text.charCodeAt(from + 9) !== 58 || text.charCodeAt(from + 12) !== 58) return undefined;
  if (!(day >= 1 && day <= 31 && hours <= 23 && minutes <= 59 && seconds <= 60)) return undefined;
  const current = new Date(options.now);
  let year = options.utc ? current.getUTCFullYear() : current.getFullYear();
  const at = (y: number) =>
    options.utc
      ? Date.UTC(y, month, day, hours, minutes, seconds)
      : new Date(y, month, day, hours, minutes, seconds).getTime();
  let ms = at(year);
  // No year in the message: one more than a month ahead means it was sent last year (December in January).
  if (ms - options.now > 31 * 86_400_000) ms = at(--year);
  return Number.isNaN(ms) ? undefined : BigInt(ms) * 1_000_000n;
}
