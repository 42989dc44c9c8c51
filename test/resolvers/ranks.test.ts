import { describe, expect, it } from 'vitest';
import { FIRST_PAGE, rankPage } from '../../resolvers/lib/ranks.js';

describe('rankPage', () => {
  it('gives equal outputs one rank and skips the ranks they fill (1, 2, 2, 4)', () => {
    expect(rankPage([50, 40, 40, 30], FIRST_PAGE).ranks).toEqual([1, 2, 2, 4]);
  });

  it('continues a tie that spans a page boundary', () => {
    const first = rankPage([50, 40], FIRST_PAGE);
    const second = rankPage([40, 40, 30], first.next);
    expect(first.ranks).toEqual([1, 2]);
    expect(second.ranks).toEqual([2, 2, 5]);
    expect(second.next).toEqual({ position: 5, rank: 5, units: 30000 });
  });

  it('ranks a page that starts right after a tie by position', () => {
    const first = rankPage([10, 10], FIRST_PAGE);
    expect(rankPage([9], first.next).ranks).toEqual([3]);
  });

  it('compares at milli-kJ precision, like the index keys', () => {
    expect(rankPage([12.3454, 12.3449, 12.344], FIRST_PAGE).ranks).toEqual([1, 1, 3]);
  });

  it('treats zero output like any other score', () => {
    expect(rankPage([0, 0], FIRST_PAGE).ranks).toEqual([1, 1]);
  });
});
