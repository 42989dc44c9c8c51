/**
 * Parameter values written the way the AWS CLI takes them, so a command line
 * written for `aws appsync evaluate-code` works as it is: `file://path` (and
 * `fileb://path`) load a file, anything else is the value itself; structures
 * take the CLI's shorthand (`name=APPSYNC_JS,runtimeVersion=1.0.0`) or JSON.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** A flag's value cannot be used; the message names the flag and what it accepts. */
export class CliValueError extends Error {
  override readonly name = 'CliValueError';
}

/** Where a parameter's text comes from. */
export type ValueSource = { kind: 'file'; path: string } | { kind: 'inline'; text: string };

const FILE_PREFIXES = ['file://', 'fileb://'] as const;

/** A lone token that ends like a file name: a path whose file is missing, not inline text. */
const LOOKS_LIKE_FILE = /^[^\s{}()[\];=]+\.(?:[cm]?js|tsx?|json)$/;

/**
 * Where `raw` points: `file://` / `fileb://` URLs and existing files are read
 * (the second keeps `--code resolver.js` working); other text is the value.
 */
export function valueSource(flag: string, raw: string): ValueSource {
  for (const prefix of FILE_PREFIXES) {
    if (!raw.startsWith(prefix)) continue;
    const rest = raw.slice(prefix.length);
    if (rest === '') throw new CliValueError(`${flag}: ${prefix} needs a path after it`);
    // file:///abs/path is a URL; file://relative/path is the AWS CLI's relative form.
    return { kind: 'file', path: rest.startsWith('/') ? fileURLToPath(`file://${rest}`) : rest };
  }
  if (existsSync(raw)) return { kind: 'file', path: raw };
  if (LOOKS_LIKE_FILE.test(raw)) throw new CliValueError(`${flag}: no such file "${raw}"`);
  return { kind: 'inline', text: raw };
}

/** The text of a parameter (`load` reads a file source; the default reads it as UTF-8). */
export async function readValue(
  flag: string,
  raw: string,
  load: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<string> {
  const source = valueSource(flag, raw);
  if (source.kind === 'inline') return source.text;
  try {
    return await load(source.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliValueError(`${flag}: no such file "${source.path}"`, { cause: err });
    if (code === 'EISDIR') throw new CliValueError(`${flag}: "${source.path}" is a folder`, { cause: err });
    throw err;
  }
}

/**
 * A structure parameter: JSON (`{"name":"APPSYNC_JS",…}`) or shorthand
 * (`name=APPSYNC_JS,runtimeVersion=1.0.0`), with exactly the keys given.
 */
export function parseStructure<K extends string>(flag: string, text: string, keys: readonly K[]): Record<K, string> {
  const expected = keys.join(', ');
  let entries: [string, unknown][];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      throw new CliValueError(`${flag}: not valid JSON`);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
      throw new CliValueError(`${flag}: must be an object with ${expected}`);
    entries = Object.entries(doc);
  } else {
    entries = trimmed.split(',').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new CliValueError(`${flag}: expected key=value pairs (${keys.map((k) => `${k}=…`).join(',')})`);
      return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    });
  }
  const out: Partial<Record<K, string>> = {};
  for (const [key, value] of entries) {
    if (!(keys as readonly string[]).includes(key))
      throw new CliValueError(`${flag}: unknown key "${key}" (expected ${expected})`);
    if (typeof value !== 'string' || value === '')
      throw new CliValueError(`${flag}: ${key} must be a non-empty string`);
    out[key as K] = value;
  }
  const missing = keys.filter((k) => out[k] === undefined);
  if (missing.length > 0) throw new CliValueError(`${flag}: missing ${missing.join(', ')}`);
  return out as Record<K, string>;
}
