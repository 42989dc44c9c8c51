import { describe, expect, it } from 'vitest';
import { FIRST_PAGE, rankEntries, rankPage, rankPageBefore } from '../../core/ranking.js';

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

describe('rankEntries', () => {
  it('orders by output descending, then racerId ascending, ties sharing a rank (1, 2, 2, 4)', () => {
    const ranked = rankEntries([
      { racerId: 'd', output: 5 },
      { racerId: 'c', output: 8 },
      { racerId: 'a', output: 10 },
      { racerId: 'b', output: 8.0004 },
    ]);
    expect(ranked.map((e) => [e.rank, e.racerId])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [2, 'c'],
      [4, 'd'],
    ]);
  });

  it('keeps the fields of each entry and ranks nothing when given nothing', () => {
    expect(rankEntries([{ racerId: 'x', output: 1, name: 'X' }])).toEqual([
      { racerId: 'x', output: 1, name: 'X', rank: 1 },
    ]);
    expect(rankEntries([])).toEqual([]);
  });

  it('orders 2,000 entries exactly like a comparator sort', () => {
    const entries = [];
    for (let i = 0; i < 2000; i += 1)
      entries.push({ racerId: `r${(i * 7919) % 2000}`, output: Math.round(((i * 37) % 500) * 1.5) / 10 });
    const expected = [...entries]
      .sort((x, y) => y.output - x.output || (x.racerId < y.racerId ? -1 : x.racerId > y.racerId ? 1 : 0))
      .map((e) => e.racerId);
    expect(rankEntries(entries).map((e) => e.racerId)).toEqual(expected);
  });
});

describe('rankPageBefore', () => {
  // A ranking of outputs with ties everywhere, ranked whole: what every page read upwards must agree with.
  const outputs = [90, 90, 80, 70, 70, 70, 60, 50, 50, 40, 30, 30, 30, 30, 20];
  const whole = rankPage(outputs, FIRST_PAGE).ranks;
  const stateAt = (i: number) => ({ position: i + 1, rank: whole[i] as number, units: (outputs[i] as number) * 1000 });

  it('ranks every page above every item like the whole ranking, dropping a tie that goes on above', () => {
    for (let at = 1; at < outputs.length; at++) {
      for (let limit = 1; limit <= 6; limit++) {
        const read = outputs.slice(Math.max(0, at - limit - 1), at);
        const page = rankPageBefore(read, limit, stateAt(at));
        if (page === null) {
          // Only a tie other than the item's own, filling the page and going on above it.
          const top = read[0] as number;
          expect(read.every((o) => o === top) && top !== outputs[at]).toBe(true);
          continue;
        }
        const kept = read.length - page.dropped;
        expect(page.ranks, `at ${at}, limit ${limit}`).toEqual(whole.slice(at - kept, at));
        expect(page.last).toEqual(stateAt(at - 1));
        if (page.first === null) expect(at - kept).toBe(0);
        else expect(page.first).toEqual(stateAt(at - kept));
      }
    }
  });

  it('reads fewer than a page plus one as the top of the ranking', () => {
    const page = rankPageBefore([90, 90, 80], 5, stateAt(3));
    expect(page).toEqual({ dropped: 0, ranks: [1, 1, 3], first: null, last: stateAt(2) });
  });
});
