/**
 * Flag parsing shared by the `alleycat` commands: node:util's parseArgs for the
 * syntax (`--flag value`, `--flag=value`), then checks that name what is
 * wrong in words a user can act on. Commands print a FlagError's message with
 * their usage and exit 2; nothing here throws anything else.
 */
import { parseArgs } from 'node:util';

/** A command line the command cannot run; the message says what is wrong and what is allowed. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export type FlagValues<S extends FlagSpec> = {
  [K in keyof S]?: S[K]['type'] extends 'string' ? string : boolean;
};

/**
 * Parses `args` against `spec`. Throws FlagError for an unknown option, a
 * stray argument, a value flag without its value (`--racers --via x`), or a
 * switch given a value (`--once=yes`).
 */
export function readFlags<S extends FlagSpec>(args: readonly string[], spec: S): FlagValues<S> {
  const { tokens } = parseArgs({ args: [...args], options: spec, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean> = {};
  for (const token of tokens) {
    if (token.kind === 'positional') throw new FlagError(`unexpected argument "${token.value}"`);
    if (token.kind !== 'option') continue;
    const def = spec[token.name];
    if (!def) throw new FlagError(`unknown option "${token.rawName}"`);
    if (def.type === 'boolean') {
      if (token.inlineValue) throw new FlagError(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    // Non-strict parsing takes the next argument whatever it is: `--racers --via` has no value.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--')))
      throw new FlagError(`${token.rawName} needs a value`);
    values[token.name] = token.value;
  }
  return values as FlagValues<S>;
}

/** An integer from `min` to `max`; `note` is appended to the message (what a special value means). */
export function integerFlag(flag: string, raw: string, min: number, max: number, note = ''): number {
  const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new FlagError(`${flag} must be a whole number from ${min} to ${max}${note}, got "${raw}"`);
  return n;
}

/** A number from `min` to `max` (fractions allowed). */
export function numberFlag(flag: string, raw: string, min: number, max: number, unit = ''): number {
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new FlagError(`${flag} must be a number from ${min} to ${max}${unit}, got "${raw}"`);
  return n;
}

/** One of `allowed`. */
export function enumFlag<T extends string>(flag: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw))
    throw new FlagError(`${flag} must be ${orList(allowed)}, got "${raw}"`);
  return raw as T;
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(items: readonly (string | number)[]): string {
  const words = items.map(String);
  return words.length <= 1 ? words[0] ?? '' : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}
