/**
 * The local AWS WAF rate-based rule (aggregate key IP), on a clock the test
 * moves: the limit per address, the window that slides second by second,
 * addresses counted apart, a flood that stays blocked, and WAF's ranges.
 */
import { describe, expect, it } from 'vitest';
import { createRateBasedRule } from '../../local/waf/rateBasedRule.js';

function clockAt(startMs: number) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const admitted = (rule: { admit(ip: string): boolean }, ip: string, n: number): number => {
  let passed = 0;
  for (let i = 0; i < n; i++) if (rule.admit(ip)) passed += 1;
  return passed;
};

describe('a WAF rate-based rule per client address', () => {
  it('lets an address send the limit in the window and blocks what comes after', () => {
    const clock = clockAt(1_000_000);
    const rule = createRateBasedRule({ limit: 10, evaluationWindowSeconds: 60, clock: clock.now });
    expect(admitted(rule, '203.0.113.7', 10)).toBe(10);
    expect(rule.admit('203.0.113.7')).toBe(false);
    expect(rule.blocked).toBe(1);
    // Another address has its own count.
    expect(admitted(rule, '198.51.100.1', 10)).toBe(10);
  });

  it('counts over a window that slides: requests leave it second by second, not all at once', () => {
    const clock = clockAt(5_000_000);
    const rule = createRateBasedRule({ limit: 10, evaluationWindowSeconds: 60, clock: clock.now });
    expect(admitted(rule, 'a', 4)).toBe(4); // second 0
    clock.advance(30_000);
    expect(admitted(rule, 'a', 6)).toBe(6); // second 30: 10 in the window
    expect(rule.admit('a')).toBe(false);
    // Second 59: the first four are still in the last 60 s.
    clock.advance(29_000);
    expect(rule.admit('a')).toBe(false);
    // Second 60: second 0's four have left it; second 30's seven (one blocked) and second 59's one remain.
    clock.advance(1_000);
    expect(rule.count('a')).toBe(8);
    expect(admitted(rule, 'a', 3)).toBe(2);
    // Second 90: everything of second 30 has left; what was sent at 59 and 60 is still counted.
    clock.advance(30_000);
    expect(rule.count('a')).toBe(4);
    expect(admitted(rule, 'a', 10)).toBe(6);
  });

  it('keeps counting blocked requests: a flood stays blocked until it stops for long enough', () => {
    const clock = clockAt(9_000_000);
    const rule = createRateBasedRule({ limit: 20, evaluationWindowSeconds: 60, clock: clock.now });
    for (let second = 0; second < 120; second++) {
      const passed = admitted(rule, 'flood', 5);
      if (second >= 4) expect(passed).toBe(0);
      clock.advance(1_000);
    }
    // A minute of silence and the address is in again.
    clock.advance(60_000);
    expect(rule.admit('flood')).toBe(true);
  });

  it('counts an address that was quiet for a whole window from zero', () => {
    const clock = clockAt(0);
    const rule = createRateBasedRule({ limit: 10, evaluationWindowSeconds: 300, clock: clock.now });
    expect(admitted(rule, 'b', 11)).toBe(10);
    clock.advance(299_000);
    expect(rule.admit('b')).toBe(false);
    clock.advance(1_000);
    expect(rule.count('b')).toBe(1);
    clock.advance(10 * 3_600_000);
    expect(rule.count('b')).toBe(0);
    expect(admitted(rule, 'b', 10)).toBe(10);
  });

  it('takes only what AWS WAF takes: a limit of 10..2,000,000,000 and windows of 60, 120, 300 or 600 s', () => {
    expect(() => createRateBasedRule({ limit: 9 })).toThrow(/rate limit must be a whole number from 10/);
    expect(() => createRateBasedRule({ limit: 10.5 })).toThrow(/rate limit/);
    // @ts-expect-error a window WAF does not offer
    expect(() => createRateBasedRule({ limit: 100, evaluationWindowSeconds: 90 })).toThrow(/60, 120, 300, 600/);
    expect(createRateBasedRule({ limit: 100 }).count('x')).toBe(0);
  });
});
