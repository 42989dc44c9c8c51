import { describe, expect, it } from 'vitest';
import { parseRoute, routePath, type Route } from '../src/lib/route.js';
import { clock, ordinal } from '../src/lib/format.js';

describe('routes', () => {
  it('parses every page and builds the same path back', () => {
    const routes: Route[] = [
      { page: 'live' },
      { page: 'live', classId: 3 },
      { page: 'live', classId: 3, follow: 'rider_9-x' },
      { page: 'live', follow: 'sim-1-7' },
      { page: 'ride' },
      { page: 'races' },
      { page: 'races', classId: 2 },
      { page: 'result', classId: 2, raceId: 29923374 },
      { page: 'result', classId: 2, raceId: 29923374, around: 'rider_9-x' },
      { page: 'alltime', by: 'PERSONAL_BEST' },
      { page: 'alltime', classId: 4, by: 'TOTAL_OUTPUT' },
      { page: 'alltime', classId: 4, by: 'PERSONAL_BEST', around: 'sim-1-7' },
      { page: 'alltime', classId: 4, by: 'TOTAL_OUTPUT', around: 'sim-1-7' },
      { page: 'racer', racerId: 'rider_9-x' },
      { page: 'explorer' },
    ];
    for (const r of routes) {
      const [pathname, search = ''] = routePath(r).split('?');
      const parsed = parseRoute(pathname ?? '/', search ? `?${search}` : '');
      expect(parsed, routePath(r)).toEqual(r);
    }
  });

  it('sends unknown paths to the not-found page', () => {
    expect(parseRoute('/nope')).toEqual({ page: 'notFound', path: '/nope' });
    expect(parseRoute('/racer/')).toEqual({ page: 'notFound', path: '/racer/' });
  });

  it('ignores class ids that are not numbers', () => {
    expect(parseRoute('/live/abc')).toEqual({ page: 'live', classId: undefined });
  });
});

describe('formatting', () => {
  it('writes places as English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112, 847].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
      '112th',
      '847th',
    ]);
  });

  it('writes time left as m:ss, never negative', () => {
    expect(clock(300)).toBe('5:00');
    expect(clock(61.2)).toBe('1:02');
    expect(clock(9)).toBe('0:09');
    expect(clock(-3)).toBe('0:00');
  });
});
