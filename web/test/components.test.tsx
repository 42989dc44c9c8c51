import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConnectionBadgeView } from '../src/components/ConnectionBadge.js';
import { curveTitles } from '../src/components/CurveVsWinner.js';
import { Podium } from '../src/components/Podium.js';
import { RaceClock } from '../src/components/RaceClock.js';
import { barShare, rankMovement, RankingTable, type RankRow } from '../src/components/RankingTable.js';
import { validateAccount } from '../src/auth/AccountForm.js';
import { raceStartMillis } from '../../core/raceClock.js';
import type { RaceResult } from '../src/data/types.js';

function field(n: number): RankRow[] {
  return Array.from({ length: n }, (_, i) => ({
    rank: i + 1,
    racerId: `r${i}`,
    name: `Rider ${i}`,
    output: 1000 - i,
    second: 120,
  }));
}

/** The text of rendered HTML (React separates adjacent text with comments). */
function text(html: string): string {
  return html.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, ' ');
}

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

describe('RankingTable', () => {
  it('puts only the visible window of a 1,000-rider ranking in the DOM', () => {
    const html = renderToString(<RankingTable rows={field(1000)} label="Live ranking" height={520} />);
    const rows = count(html, 'data-racer=');
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(40);
    expect(html).toContain('aria-rowcount="1001"');
    // The scroll area is as tall as all 1,000 rows, so the scrollbar tells the truth.
    expect(html).toContain('height:44000px');
  });

  it('places each row with a transform, keyed by rider, so rank changes can glide', () => {
    const html = renderToString(<RankingTable rows={field(3)} label="Live ranking" />);
    expect(html).toContain('transform:translateY(44px)');
    expect(html).toContain('transform:translateY(88px)');
  });

  it('highlights my row and marks it as the current one', () => {
    const html = renderToString(<RankingTable rows={field(5)} label="Live ranking" meId="r2" />);
    expect(count(html, 'aria-current="true"')).toBe(1);
    expect(html).toMatch(/aria-current="true"[^>]*class="ranking-row me[^"]*"[^>]*data-racer="r2"/);
    expect(html).toContain('>you<');
  });

  it('marks results without a final record', () => {
    const rows: RankRow[] = [
      { rank: 1, racerId: 'a', output: 10, finished: true },
      { rank: 2, racerId: 'b', output: 9, finished: false },
    ];
    const html = renderToString(<RankingTable rows={rows} label="Results" />);
    expect(count(html, '>dnf<')).toBe(1);
  });
});

describe('rank movement', () => {
  it('reports how many places each rider moved since the previous ranking', () => {
    const before = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const after: RankRow[] = [
      { rank: 1, racerId: 'c', output: 30 },
      { rank: 2, racerId: 'a', output: 29 },
      { rank: 3, racerId: 'b', output: 28 },
      { rank: 4, racerId: 'new', output: 1 },
    ];
    expect(rankMovement(before, after)).toEqual(
      new Map([
        ['c', 2],
        ['a', -1],
        ['b', -1],
      ]),
    );
  });

  it('draws bars from the slowest (short) to the leader (full)', () => {
    expect(barShare(100, 50, 100)).toBe(1);
    expect(barShare(50, 50, 100)).toBeCloseTo(0.12);
    expect(barShare(7, 7, 7)).toBe(1);
    expect(barShare(0, 0, 0)).toBe(0);
  });
});

describe('RaceClock', () => {
  it('shows the time left and the progress of the race', () => {
    const raceId = 1000;
    const now = raceStartMillis(raceId, 300) + 75_000;
    const html = renderToString(<RaceClock raceId={raceId} raceSeconds={300} now={now} />);
    expect(text(html)).toContain('3:45');
    expect(html).toContain('aria-valuenow="75"');
    expect(html).toContain('aria-valuemax="300"');
    expect(html).toContain('scaleX(0.25)');
  });
});

describe('Podium', () => {
  it('shows the first three with their output', () => {
    const results: RaceResult[] = ['Ada', 'Bo', 'Cleo', 'Dev'].map((name, i) => ({
      rank: i + 1,
      racerId: name.toLowerCase(),
      name,
      output: 100 - i * 5,
      classId: 1,
      raceId: 7,
      finished: true,
      lastSecond: 300,
    }));
    const html = renderToString(<Podium results={results} />);
    expect(html).toContain('Ada');
    expect(html).toContain('Cleo');
    expect(html).not.toContain('Dev');
    expect(text(html)).toContain('100.0 kJ');
  });
});

describe('ConnectionBadge', () => {
  it('says when the live connection is being re-established', () => {
    expect(renderToString(<ConnectionBadgeView state="reconnecting" />)).toContain('Reconnecting…');
    expect(renderToString(<ConnectionBadgeView state="connected" />)).toContain('Live');
    expect(renderToString(<ConnectionBadgeView state="closed" />)).toContain('Offline');
  });
});

describe('account validation', () => {
  it('accepts what the contract accepts and names what it does not', () => {
    expect(validateAccount('signUp', 'ada_1-X', 'Ada', 'Passw0rd!')).toEqual({});
    expect(validateAccount('signUp', 'has space', 'Ada', 'Passw0rd!').racerId).toMatch(/letters, digits/);
    expect(validateAccount('signUp', 'x'.repeat(65), 'Ada', 'Passw0rd!').racerId).toBeDefined();
    expect(validateAccount('signUp', 'ok', '', 'Passw0rd!').name).toBeDefined();
    expect(validateAccount('signUp', 'ok', 'n'.repeat(41), 'Passw0rd!').name).toBeDefined();
    expect(validateAccount('signUp', 'ok', 'Ada\u202e', 'Passw0rd!').name).toBeDefined();
    expect(validateAccount('signUp', 'ok', 'Ada', 'short').password).toMatch(/8 characters/);
    expect(validateAccount('signUp', 'ok', 'Ada', 'longenough1!').password).toBe('needs an upper-case letter');
  });

  it('asks a returning rider for id and password only', () => {
    expect(validateAccount('signIn', 'ada', '', 'anything')).toEqual({});
    expect(validateAccount('signIn', 'ada', '', '').password).toBeDefined();
  });
});

describe('CurveVsWinner titles', () => {
  it('speak to the winner as the winner, and name the winner to anyone else', () => {
    expect(curveTitles('ada', 'ada', 'Ada')).toEqual({
      title: 'Your curve: you won this race',
      summary: 'You won: your output over the race',
    });
    const other = curveTitles('bo', 'ada', 'Ada');
    expect(other.title).toBe('Your curve against Ada, the winner');
    expect(other.summary).toBe("Your output over the race next to Ada's");
    expect(other.title).not.toContain("the winner's curve");
  });
});
