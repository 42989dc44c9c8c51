// util.time (documented examples), ids, encodings, matches, str, math, errors — run in the sandbox.
import { describe, expect, it } from 'vitest';
import { evaluateCode } from '../../local/appsync/index.js';
import { evalInSandbox } from './evalHelpers.js';

const FEB_6_2018 = 1517943695750; // 2018-02-06T19:01:35.750Z, the documentation's "now"

describe('util.time (documented examples)', () => {
  const at = (expression: string, now = FEB_6_2018) => evalInSandbox(expression, {}, () => now);
  it.each([
    ['util.time.nowISO8601()', '2018-02-06T19:01:35.750Z'],
    ['util.time.nowEpochSeconds()', 1517943695],
    ['util.time.nowEpochMilliSeconds()', 1517943695750],
    ['util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ")', '2018-02-06 19:01:35+0000'],
    ['util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ", "+08:00")', '2018-02-07 03:01:35+0800'],
    ['util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ", "Australia/Perth")', '2018-02-07 03:01:35+0800'],
    ['util.time.epochMilliSecondsToSeconds(1517943695758)', 1517943695],
    ['util.time.epochMilliSecondsToISO8601(1517943695758)', '2018-02-06T19:01:35.758Z'],
    ['util.time.epochMilliSecondsToFormatted(1517943695758, "yyyy-MM-dd HH:mm:ssZ")', '2018-02-06 19:01:35+0000'],
    [
      'util.time.epochMilliSecondsToFormatted(1517943695758, "yyyy-MM-dd HH:mm:ssZ", "+08:00")',
      '2018-02-07 03:01:35+0800',
    ],
    ['util.time.parseISO8601ToEpochMilliSeconds("2018-02-01T17:21:05.180+08:00")', 1517476865180],
    ['util.time.parseFormattedToEpochMilliSeconds("2018-02-02 01:19:22+0800", "yyyy-MM-dd HH:mm:ssZ")', 1517505562000],
    [
      'util.time.parseFormattedToEpochMilliSeconds("2018-02-02 01:19:22", "yyyy-MM-dd HH:mm:ss", "+08:00")',
      1517505562000,
    ],
  ])('%s', (expression, expected) => {
    expect(at(expression)).toBe(expected);
  });

  const JULY_11 = Date.UTC(2018, 6, 11, 22, 14, 45);
  it('optional sections and XXX / XXXXX offsets with seconds', () => {
    expect(at('util.time.nowFormatted("yyyy-MM-dd[XXX]", "-07:00:30")', JULY_11)).toBe('2018-07-11-07:00');
    expect(at('util.time.nowFormatted("yyyy-MM-dd\'T\'HH:mm:ss[XXXXX]", "-07:00:30")', JULY_11)).toBe(
      '2018-07-11T15:14:15-07:00:30',
    );
  });

  it('zones follow daylight saving (IANA ids through Intl)', () => {
    expect(at('util.time.epochMilliSecondsToFormatted(1530000000000, "HH:mm XXX", "Europe/Berlin")')).toBe(
      '10:00 +02:00',
    );
    expect(at('util.time.epochMilliSecondsToFormatted(1515000000000, "HH:mm XXX", "Europe/Berlin")')).toBe(
      '18:20 +01:00',
    );
  });
});

describe('ids and encodings', () => {
  it('autoId is a v4 UUID, autoUlid 26 Crockford chars, autoKsuid 27 base62 chars', () => {
    const ids = evalInSandbox('[util.autoId(), util.autoUlid(), util.autoKsuid()]') as string[];
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[1]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ids[2]).toMatch(/^[0-9A-Za-z]{27}$/);
  });
  it('ULIDs made later sort later', () => {
    const [a, b] = [
      evalInSandbox('util.autoUlid()', {}, () => 1_000_000),
      evalInSandbox('util.autoUlid()', {}, () => 2_000_000),
    ] as string[];
    expect((a ?? '') < (b ?? '')).toBe(true);
  });
  it('base64 and x-www-form-urlencoded round trips', () => {
    expect(evalInSandbox('util.base64Encode("héllo")')).toBe('aMOpbGxv');
    expect(evalInSandbox('util.base64Decode("aMOpbGxv")')).toBe('héllo');
    expect(evalInSandbox('util.urlEncode("a b&c=d/é*")')).toBe('a+b%26c%3Dd%2F%C3%A9*');
    expect(evalInSandbox('util.urlDecode("a+b%26c%3Dd%2F%C3%A9")')).toBe('a b&c=d/é');
  });
  it('escapeJavaScript escapes quotes, backslashes, slashes and control characters', () => {
    expect(evalInSandbox(`util.escapeJavaScript("it's \\"x\\"\\n/\\\\")`)).toBe(`it\\'s \\"x\\"\\n\\/\\\\`);
  });
  it('matches is a full match with Java pattern syntax (documented example)', () => {
    expect(evalInSandbox('util.matches("a*b", "aaaaab")')).toBe(true);
    expect(evalInSandbox('util.matches("a*b", "aaaaabc")')).toBe(false);
  });
  it('str.normalize and math', () => {
    expect(evalInSandbox('util.str.normalize("e\\u0301", "nfc")')).toBe('é');
    expect(evalInSandbox('[util.math.roundNum(2.5), util.math.minVal(1, 2), util.math.maxVal(1, 2)]')).toEqual([
      3, 1, 2,
    ]);
    const r = evalInSandbox('util.math.randomWithinRange(5, 10)') as number;
    expect(r).toBeGreaterThanOrEqual(5);
    expect(r).toBeLessThan(10);
  });
  it('JSON.parse returns a blank string on invalid JSON instead of throwing', () => {
    expect(evalInSandbox('JSON.parse("{not json")')).toBe('');
  });
});

describe('extensions', () => {
  it('invalidateSubscriptions: at most 5 unique calls per request (AppSync quota); repeats do not count', () => {
    const calls = (n: number) =>
      `import { extensions } from '@aws-appsync/utils';
export function request(ctx) {
  for (const i of [${Array.from({ length: n }, (_, i) => i).join(',')}]) {
    extensions.invalidateSubscriptions({ subscriptionField: 'onX', payload: { id: i } });
    extensions.invalidateSubscriptions({ subscriptionField: 'onX', payload: { id: i } });
  }
  return 'ok';
}`;
    expect(evaluateCode(calls(5), '{}', 'request').evaluationResult).toBe('"ok"');
    expect(evaluateCode(calls(6), '{}', 'request').error?.message).toMatch(/at most 5 times/);
  });
});

describe('errors through EvaluateCode', () => {
  const code = (body: string) => `import { util } from '@aws-appsync/utils';
export function request(ctx) {
${body}
}
export function response(ctx) { return ctx.result; }
`;
  it('util.unauthorized reports "Unauthorized" [EVAL]', () => {
    expect(evaluateCode(code('  util.unauthorized();'), '{}', 'request').error?.message).toBe('Unauthorized');
  });
  it('util.error messages are not prefixed; code errors carry code.js:line:col', () => {
    expect(evaluateCode(code('  util.error("boom", "Mine");'), '{}', 'request').error?.message).toBe('boom');
    expect(evaluateCode(code('  const x = null;\n  return x.y;'), '{}', 'request').error?.message).toMatch(
      /^code\.js:4:12: .*null/,
    );
  });
  it('appendError entries come back as outErrors, the result still counts', () => {
    const out = evaluateCode(
      code('  util.appendError("warn", "W", { a: 1 });\n  ctx.stash.k = 2;\n  return { ok: true };'),
      '{"arguments":{}}',
      'request',
    );
    expect(JSON.parse(out.evaluationResult ?? '')).toEqual({ ok: true });
    expect(JSON.parse(out.outErrors ?? '')).toEqual([
      { message: 'warn', errorType: 'W', data: { a: 1 }, errorInfo: null },
    ]);
    expect(JSON.parse(out.stash ?? '')).toEqual({ k: 2 });
  });
});
