/** The fan-out benchmark's metered figure, from a real usage meter. */
import { describe, expect, it } from 'vitest';
import { createUsageMeter } from '../../local/appsync/index.js';
import { meteredResult } from '../../bench/fanoutMetering.js';

const design = {
  metric: 'fanout.completeBoardMessagesPerViewerWindow',
  design: 'complete board (onLiveRankings), 1,000 entries',
  subscriptionKey: 'onLiveRankings(classId: 3)',
  viewers: 4,
  windows: 5,
};

function meterWith(messages: number, bytes: number) {
  const meter = createUsageMeter();
  const sub = meter.subscription(design.subscriptionKey);
  for (let i = 0; i < messages; i += 1) sub.delivered(bytes);
  return meter.usage();
}

describe('meteredResult', () => {
  it('divides the 5 KB units by the messages: one per viewer and window', () => {
    const result = meteredResult(meterWith(20, 89 * 1024), design);
    expect(result).toMatchObject({
      metric: 'fanout.completeBoardMessagesPerViewerWindow',
      value: 18,
      unit: 'msgs',
      target: 2,
      better: 'lower',
    });
    // 18 units × 60 windows × $2 per million.
    expect(result.note).toBe(
      'complete board (onLiveRankings), 1,000 entries: 89.0 KB a message; $0.0022 per viewer and 5-minute race, $2.16 per 1,000 viewers (list price 2026-12-07)',
    );
  });

  it('refuses a count that is not one message per viewer and window (a lost or doubled delivery)', () => {
    expect(() => meteredResult(meterWith(19, 1000), design)).toThrow(/metered 19 messages, expected 4 × 5/);
    expect(() => meteredResult(meterWith(20, 1000), { ...design, subscriptionKey: 'onLiveBoard' })).toThrow(
      /no subscription onLiveBoard/,
    );
  });
});
