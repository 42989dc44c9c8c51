/**
 * AWS WAF's rate-based rule with the IP aggregation key, as a web ACL with
 * one such rule (action Block) applies it: every web request from an address
 * is counted, and a request is blocked while the address's requests over the
 * evaluation window, looking back from now, exceed the limit. The window
 * slides: counts are kept per second, so an address that stops is let in
 * again once enough of its requests have aged out. Blocked requests are
 * counted too (the rule counts every request that reaches it, then applies
 * its action), so a client that keeps flooding stays blocked.
 *
 * AWS checks the rate about every 10 seconds and blocks "near the limit";
 * this rule decides on every request and exactly at the limit, which is what
 * a test can rely on. [DOC waf-rule-statement-type-rate-based-high-level-settings]
 */
import { WafConfigError } from './errors.js';

/** WAF's allowed evaluation windows, in seconds (EvaluationWindowSec). */
export const EVALUATION_WINDOWS = [60, 120, 300, 600] as const;
export type EvaluationWindowSeconds = (typeof EVALUATION_WINDOWS)[number];

/** WAF's smallest and largest rate limit. */
export const MIN_RATE_LIMIT = 10;
export const MAX_RATE_LIMIT = 2_000_000_000;

export interface RateBasedRuleOptions {
  /** Requests one address may send in the window (WAF: 10..2,000,000,000). */
  readonly limit: number;
  /** The window the rule looks back over (WAF: 60, 120, 300 or 600; default 300). */
  readonly evaluationWindowSeconds?: EvaluationWindowSeconds;
  readonly clock?: () => number;
}

export interface RateBasedRule {
  /** Counts one request from `ip` and says whether it may pass. */
  admit(ip: string): boolean;
  /** Requests counted for `ip` in the window that ends now (its rate as the rule sees it). */
  count(ip: string): number;
  /** Requests blocked so far. */
  readonly blocked: number;
}

/** One address's requests per second of the last window, newest second last. */
interface AddressCounts {
  /** The second (epoch seconds) of `perSecond`'s last slot. */
  latest: number;
  /** A ring of counts, one slot per second of the window. */
  readonly perSecond: number[];
  total: number;
}

/** How often idle addresses are forgotten (in requests), so a spread of addresses cannot grow memory forever. */
const SWEEP_EVERY = 10_000;

export function createRateBasedRule(o: RateBasedRuleOptions): RateBasedRule {
  const windowSeconds = o.evaluationWindowSeconds ?? 300;
  if (!EVALUATION_WINDOWS.includes(windowSeconds))
    throw new WafConfigError(
      `evaluation window must be one of ${EVALUATION_WINDOWS.join(', ')} s, got ${windowSeconds}`,
    );
  if (!Number.isInteger(o.limit) || o.limit < MIN_RATE_LIMIT || o.limit > MAX_RATE_LIMIT)
    throw new WafConfigError(
      `rate limit must be a whole number from ${MIN_RATE_LIMIT} to ${MAX_RATE_LIMIT}, got ${o.limit}`,
    );
  const clock = o.clock ?? Date.now;
  const addresses = new Map<string, AddressCounts>();
  let blocked = 0;
  let sinceSweep = 0;

  /** Moves an address's ring forward to `second`, dropping the seconds that left the window. */
  const advance = (counts: AddressCounts, second: number): void => {
    const steps = Math.min(second - counts.latest, windowSeconds);
    for (let i = 1; i <= steps; i++) {
      const slot = (counts.latest + i) % windowSeconds;
      counts.total -= counts.perSecond[slot] ?? 0;
      counts.perSecond[slot] = 0;
    }
    if (second > counts.latest) counts.latest = second;
  };

  const sweep = (second: number): void => {
    for (const [ip, counts] of addresses) if (second - counts.latest >= windowSeconds) addresses.delete(ip);
  };

  return {
    admit(ip) {
      const second = Math.floor(clock() / 1000);
      sinceSweep += 1;
      if (sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        sweep(second);
      }
      let counts = addresses.get(ip);
      if (!counts) {
        counts = { latest: second, perSecond: new Array<number>(windowSeconds).fill(0), total: 0 };
        addresses.set(ip, counts);
      }
      advance(counts, second);
      const slot = second % windowSeconds;
      counts.perSecond[slot] = (counts.perSecond[slot] ?? 0) + 1;
      counts.total += 1;
      const pass = counts.total <= o.limit;
      if (!pass) blocked += 1;
      return pass;
    },
    count(ip) {
      const counts = addresses.get(ip);
      if (!counts) return 0;
      advance(counts, Math.floor(clock() / 1000));
      return counts.total;
    },
    get blocked() {
      return blocked;
    },
  };
}
