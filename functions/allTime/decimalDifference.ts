/**
 * The exact decimal difference of two numbers, as DynamoDB's decimal number
 * type would compute it (pure).
 *
 * DynamoDB adds numbers in decimal, exactly (38 significant digits), so a
 * total built with `totalOutput + :o` stays a short decimal. A difference
 * computed in binary floating point (2.4 - 1.5 = 0.8999999999999999) would
 * leave `totalOutput` at 2.3999999999999999 in the table: a value a JavaScript
 * number cannot hold, so the index refresh, which conditions on the total it
 * read, could never match it again. Hence the difference is computed on the
 * numbers' decimal representations and sent as a string.
 */

interface Decimal {
  /** The digits as an integer, with the sign. */
  units: bigint;
  /** value = units / 10^scale (scale >= 0). */
  scale: number;
}

/** A finite number as its shortest decimal form (the one String() prints). */
function toDecimal(n: number): Decimal {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (m === null) throw new RangeError(`${n} is not a finite number`);
  const [, sign = '', int = '0', frac = '', exp = '0'] = m;
  let units = BigInt(`${sign}${int}${frac}`);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units, scale };
}

/** `a - b`, exactly, as a decimal string without exponent or trailing zeros (e.g. "0.9", "-12", "0"). */
export function decimalDifference(a: number, b: number): string {
  const x = toDecimal(a);
  const y = toDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const diff = x.units * 10n ** BigInt(scale - x.scale) - y.units * 10n ** BigInt(scale - y.scale);
  const negative = diff < 0n;
  const digits = (negative ? -diff : diff).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  const body = frac === '' ? int : `${int}.${frac}`;
  return negative && body !== '0' ? `-${body}` : body;
}
