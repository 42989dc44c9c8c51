/**
 * util.time [DOC time-helpers]: epoch/ISO helpers and formatting with Java
 * `DateTimeFormatter` patterns (yyyy MM dd HH mm ss SSS Z X x a E MMM,
 * 'literals', [optional sections]) in a zone given as an offset ("+08:00",
 * "-07:00:30") or an IANA id ("Australia/Perth"; resolved with Intl).
 */

/** A pattern or time zone AppSync would refuse. */
export class TimeFormatError extends Error {
  override readonly name = 'TimeFormatError';
}

type Token =
  | { kind: 'field'; letter: string; count: number }
  | { kind: 'literal'; text: string }
  | { kind: 'optional'; tokens: Token[] };

/** Splits a DateTimeFormatter pattern into tokens. */
export function tokenize(pattern: string): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  let i = 0;
  const top = (): Token[] => stack[stack.length - 1] ?? root;
  while (i < pattern.length) {
    const ch = pattern.charAt(i);
    if (/[A-Za-z]/.test(ch)) {
      let n = 1;
      while (pattern.charAt(i + n) === ch) n += 1;
      top().push({ kind: 'field', letter: ch, count: n });
      i += n;
    } else if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        top().push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      if (end < 0) throw new TimeFormatError(`unterminated quote in pattern "${pattern}"`);
      top().push({ kind: 'literal', text: pattern.slice(i + 1, end).replace(/''/g, "'") });
      i = end + 1;
    } else if (ch === '[') {
      const opt: Token = { kind: 'optional', tokens: [] };
      top().push(opt);
      stack.push(opt.tokens);
      i += 1;
    } else if (ch === ']') {
      if (stack.length === 1) throw new TimeFormatError(`unbalanced ] in pattern "${pattern}"`);
      stack.pop();
      i += 1;
    } else {
      top().push({ kind: 'literal', text: ch });
      i += 1;
    }
  }
  return root;
}

/** A zone: fixed offset (seconds east of UTC) or an IANA id. */
type Zone = { kind: 'fixed'; seconds: number; id: string } | { kind: 'region'; id: string };

const OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

/** Parses a zone argument. */
export function parseZone(zone: string | undefined | null): Zone {
  if (zone === undefined || zone === null || zone === '' || zone === 'Z' || zone === 'UTC' || zone === 'GMT') {
    return { kind: 'fixed', seconds: 0, id: 'UTC' };
  }
  const m = OFFSET.exec(zone);
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    const seconds = sign * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0));
    return { kind: 'fixed', seconds, id: zone };
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch (err) {
    throw new TimeFormatError(`unknown time zone "${zone}"`, { cause: err });
  }
  return { kind: 'region', id: zone };
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of a zone at an instant, in seconds. */
export function offsetAt(zone: Zone, epochMs: number): number {
  if (zone.kind === 'fixed') return zone.seconds;
  let fmt = zoneFormatters.get(zone.id);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone.id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormatters.set(zone.id, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(epochMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  );
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 1000);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');

/** Offset text for Z/X/x letters (Java semantics; X prints "Z" for zero). */
function offsetText(letter: string, count: number, seconds: number): string {
  if (letter === 'X' && seconds === 0) return 'Z';
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor((abs % 3600) / 60), 2);
  const s = abs % 60;
  if (letter === 'Z') {
    if (count <= 3) return `${sign}${h}${m}`;
    if (count === 4) return seconds === 0 ? 'GMT' : `GMT${sign}${h}:${m}${s ? `:${pad(s, 2)}` : ''}`;
    return seconds === 0 ? 'Z' : `${sign}${h}:${m}${s ? `:${pad(s, 2)}` : ''}`;
  }
  switch (count) {
    case 1:
      return m === '00' ? `${sign}${h}` : `${sign}${h}${m}`;
    case 2:
      return `${sign}${h}${m}`;
    case 3:
      return `${sign}${h}:${m}`;
    case 4:
      return `${sign}${h}${m}${s ? pad(s, 2) : ''}`;
    default:
      return `${sign}${h}:${m}${s ? `:${pad(s, 2)}` : ''}`;
  }
}

function formatField(letter: string, count: number, d: Date, offsetSeconds: number, zone: Zone): string {
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const hour = d.getUTCHours();
  switch (letter) {
    case 'y':
    case 'u':
      return count === 2 ? pad(year % 100, 2) : pad(year, count);
    case 'M':
    case 'L':
      if (count >= 4) return MONTHS[month] ?? '';
      if (count === 3) return (MONTHS[month] ?? '').slice(0, 3);
      return pad(month + 1, count);
    case 'd':
      return pad(d.getUTCDate(), count);
    case 'D': {
      const start = Date.UTC(year, 0, 1);
      return pad(Math.floor((d.getTime() - start) / 86_400_000) + 1, count);
    }
    case 'H':
      return pad(hour, count);
    case 'k':
      return pad(hour === 0 ? 24 : hour, count);
    case 'h':
      return pad(hour % 12 === 0 ? 12 : hour % 12, count);
    case 'K':
      return pad(hour % 12, count);
    case 'm':
      return pad(d.getUTCMinutes(), count);
    case 's':
      return pad(d.getUTCSeconds(), count);
    case 'S':
      return pad(d.getUTCMilliseconds(), 3).padEnd(count, '0').slice(0, count);
    case 'a':
      return hour < 12 ? 'AM' : 'PM';
    case 'E':
      return count >= 4 ? DAYS[d.getUTCDay()] ?? '' : (DAYS[d.getUTCDay()] ?? '').slice(0, 3);
    case 'Z':
    case 'X':
    case 'x':
      return offsetText(letter, count, offsetSeconds);
    case 'z':
    case 'V':
      return zone.kind === 'region' ? zone.id : offsetSeconds === 0 ? 'UTC' : offsetText('X', 5, offsetSeconds);
    default:
      throw new TimeFormatError(`unsupported pattern letter "${letter}"`);
  }
}

function formatTokens(tokens: Token[], d: Date, offsetSeconds: number, zone: Zone): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'literal') out += t.text;
    else if (t.kind === 'optional') out += formatTokens(t.tokens, d, offsetSeconds, zone);
    else out += formatField(t.letter, t.count, d, offsetSeconds, zone);
  }
  return out;
}

/** Formats an instant with a Java pattern in a zone. */
export function formatEpochMillis(epochMs: number, pattern: string, zoneArg?: string): string {
  const zone = parseZone(zoneArg);
  const offset = offsetAt(zone, epochMs);
  // A Date shifted by the offset, read with UTC getters, shows the local wall time.
  const local = new Date(epochMs + offset * 1000);
  return formatTokens(tokenize(pattern), local, offset, zone);
}

interface Parsed {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millis?: number;
  pm?: boolean;
  offsetSeconds?: number;
}

class Cursor {
  constructor(readonly text: string, public at = 0) {}
  digits(min: number, max: number): number | null {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(this.text.slice(this.at));
    if (!m) return null;
    this.at += m[0].length;
    return Number(m[0]);
  }
}

function parseOffset(c: Cursor, letter: string): number | null {
  const rest = c.text.slice(c.at);
  if ((letter === 'X' || (letter === 'Z' && rest.startsWith('Z'))) && rest.startsWith('Z')) {
    c.at += 1;
    return 0;
  }
  const m = /^(?:GMT)?([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?/.exec(rest);
  if (!m) return null;
  c.at += m[0].length;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0));
}

function parseTokens(tokens: Token[], c: Cursor, out: Parsed): boolean {
  for (const t of tokens) {
    if (t.kind === 'literal') {
      if (!c.text.startsWith(t.text, c.at)) return false;
      c.at += t.text.length;
      continue;
    }
    if (t.kind === 'optional') {
      const save = c.at;
      const copy: Parsed = { ...out };
      if (parseTokens(t.tokens, c, copy)) Object.assign(out, copy);
      else c.at = save;
      continue;
    }
    const width = t.count === 1 ? [1, 2] : [t.count, t.count];
    const num = (min: number, max: number): number | null => c.digits(min, max);
    switch (t.letter) {
      case 'y':
      case 'u': {
        const v = t.count === 2 ? num(2, 2) : num(t.count === 1 ? 1 : 4, t.count === 1 ? 9 : Math.max(4, t.count));
        if (v === null) return false;
        out.year = t.count === 2 ? 2000 + v : v;
        break;
      }
      case 'M':
      case 'L': {
        if (t.count >= 3) {
          const rest = c.text.slice(c.at).toLowerCase();
          const idx = MONTHS.findIndex((name) =>
            rest.startsWith((t.count === 3 ? name.slice(0, 3) : name).toLowerCase()),
          );
          if (idx < 0) return false;
          c.at += t.count === 3 ? 3 : (MONTHS[idx] ?? '').length;
          out.month = idx + 1;
        } else {
          const v = num(width[0] ?? 1, width[1] ?? 2);
          if (v === null) return false;
          out.month = v;
        }
        break;
      }
      case 'E': {
        const m = /^[A-Za-z]+/.exec(c.text.slice(c.at));
        if (!m) return false;
        c.at += m[0].length;
        break;
      }
      case 'a': {
        const v = c.text.slice(c.at, c.at + 2).toUpperCase();
        if (v !== 'AM' && v !== 'PM') return false;
        out.pm = v === 'PM';
        c.at += 2;
        break;
      }
      case 'S': {
        const v = c.text.slice(c.at).match(/^\d+/)?.[0];
        if (!v) return false;
        const digits = t.count === 1 ? v : v.slice(0, t.count);
        c.at += digits.length;
        out.millis = Math.floor(Number(`0.${digits}`) * 1000 + 1e-9);
        break;
      }
      case 'Z':
      case 'X':
      case 'x': {
        const v = parseOffset(c, t.letter);
        if (v === null) return false;
        out.offsetSeconds = v;
        break;
      }
      default: {
        const v = num(width[0] ?? 1, width[1] ?? 2);
        if (v === null) return false;
        if (t.letter === 'd') out.day = v;
        else if (t.letter === 'H' || t.letter === 'k') out.hour = v % 24;
        else if (t.letter === 'h' || t.letter === 'K') out.hour = v % 12;
        else if (t.letter === 'm') out.minute = v;
        else if (t.letter === 's') out.second = v;
        else throw new TimeFormatError(`unsupported pattern letter "${t.letter}" for parsing`);
      }
    }
  }
  return true;
}

/** Parses text with a Java pattern; the zone applies when the text carries no offset. */
export function parseFormatted(text: string, pattern: string, zoneArg?: string): number {
  const c = new Cursor(String(text));
  const p: Parsed = {};
  if (!parseTokens(tokenize(pattern), c, p) || c.at !== c.text.length) {
    throw new TimeFormatError(`Text '${text}' could not be parsed with pattern '${pattern}'`);
  }
  const hour = (p.hour ?? 0) + (p.pm ? 12 : 0);
  const wall = Date.UTC(
    p.year ?? 1970,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    hour,
    p.minute ?? 0,
    p.second ?? 0,
    p.millis ?? 0,
  );
  if (p.offsetSeconds !== undefined) return wall - p.offsetSeconds * 1000;
  const zone = parseZone(zoneArg);
  // For a region zone the offset depends on the instant: refine once from the wall time.
  const first = wall - offsetAt(zone, wall) * 1000;
  return wall - offsetAt(zone, first) * 1000;
}

/** ISO 8601 with offset → epoch millis. */
export function parseIso8601(text: string): number {
  const ms = Date.parse(String(text));
  if (Number.isNaN(ms)) throw new TimeFormatError(`Text '${text}' could not be parsed as ISO 8601`);
  return ms;
}

/** The `util.time` object reading the given clock. */
export function createTimeUtil(now: () => number): Record<string, unknown> {
  return {
    nowISO8601: () => new Date(now()).toISOString(),
    nowEpochSeconds: () => Math.floor(now() / 1000),
    nowEpochMilliSeconds: () => now(),
    nowFormatted: (fmt: string, tz?: string) => formatEpochMillis(now(), fmt, tz),
    parseFormattedToEpochMilliSeconds: (ts: string, fmt: string, tz?: string) => parseFormatted(ts, fmt, tz),
    parseISO8601ToEpochMilliSeconds: (ts: string) => parseIso8601(ts),
    epochMilliSecondsToSeconds: (ms: number) => Math.floor(ms / 1000),
    epochMilliSecondsToISO8601: (ms: number) => new Date(ms).toISOString(),
    epochMilliSecondsToFormatted: (ms: number, fmt: string, tz?: string) => formatEpochMillis(ms, fmt, tz),
  };
}
