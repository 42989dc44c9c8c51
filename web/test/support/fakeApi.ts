/**
 * An in-memory Api with recorded-looking data, for component tests and for
 * looking at the pages without a backend. Not used by the product: the app
 * always talks to the SDK.
 */
import type { Api, LiveObserver, RawResult } from '../../src/data/Api.js';
import type {
  AllTimeEntry,
  AllTimeOrder,
  ConnectionState,
  LiveEntry,
  LiveBand,
  LiveRankings,
  LiveView,
  Page,
  Race,
  RaceClass,
  RaceResult,
  RacerStats,
  TelemetryInput,
  TelemetryReceipt,
} from '../../src/data/types.js';
import { raceEndMillis, raceIdAt, raceSecondAt, raceStartMillis } from '../../../core/raceClock.js';

export const FAKE_CLASSES: RaceClass[] = [
  { classId: 1, name: 'Juniors', description: 'Riders under 18, steady pace, small gears.' },
  { classId: 2, name: 'Amateurs', description: 'Weekend riders out for a good hard ride.' },
  { classId: 3, name: 'Club', description: 'Club racers with structured training.' },
];

const FIRST = [
  'Ada',
  'Bo',
  'Cleo',
  'Dev',
  'Eli',
  'Fay',
  'Gus',
  'Hana',
  'Ivo',
  'Jun',
  'Kai',
  'Lea',
  'Mo',
  'Nia',
  'Oz',
  'Pia',
];
const LAST = ['Rossi', 'Kim', 'Novak', 'Silva', 'Berg', 'Okafor', 'Tanaka', 'Moreau', 'Quinn', 'Lund'];

function riderName(i: number): string {
  return `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
}

/** Deterministic power of rider i (watts), with a slow wobble so ranks change. */
function power(i: number, second: number): number {
  return 180 + ((i * 37) % 160) + 60 * Math.sin(second / 9 + i);
}

function outputAt(i: number, second: number): number {
  let sum = 0;
  for (let s = 1; s <= second; s += 1) sum += power(i, s) / 1000;
  return Math.round(sum * 1000) / 1000;
}

function rank<T extends { racerId: string; output: number }>(items: T[]): Array<T & { rank: number }> {
  const sorted = [...items].sort((a, b) => b.output - a.output || (a.racerId < b.racerId ? -1 : 1));
  let prev = Number.NaN;
  let prevRank = 0;
  return sorted.map((e, i) => {
    const r = e.output === prev ? prevRank : i + 1;
    prev = e.output;
    prevRank = r;
    return { ...e, rank: r };
  });
}

const BAND_SIZE = 50;

/** A complete board cut as the API's bands would cut it, around one rider. */
function liveView(board: LiveRankings, racerId: string | null): LiveView {
  const band = (b: number): LiveBand => ({
    classId: board.classId,
    raceId: board.raceId,
    updatedAt: board.updatedAt,
    band: b,
    totalRiders: board.entries.length,
    entries: board.entries
      .slice(b * BAND_SIZE, (b + 1) * BAND_SIZE)
      .map(({ rank, racerId: id, name, output, second }) => ({ rank, racerId: id, name, output, second })),
  });
  const top = board.entries.length > 0 ? band(0) : null;
  const at = racerId === null ? -1 : board.entries.findIndex((e) => e.racerId === racerId);
  const me = board.entries[at];
  if (!me) return { top, mine: top, standing: null };
  const ahead = board.entries[at - 1] ?? null;
  const behind = board.entries[at + 1] ?? null;
  const mine = band(Math.floor(at / BAND_SIZE));
  return {
    top,
    mine,
    standing: {
      raceId: board.raceId,
      rank: me.rank,
      band: mine.band,
      totalRiders: board.entries.length,
      output: me.output,
      gapAhead: ahead ? ahead.output - me.output : null,
      gapBehind: behind ? me.output - behind.output : null,
      ahead,
      behind,
    },
  };
}

export interface FakeApiOptions {
  riders: number;
  raceSeconds: number;
  windowSeconds: number;
  clock?: () => number;
}

export function createFakeApi(opts: FakeApiOptions): Api & { sent: TelemetryInput[] } {
  const { riders, raceSeconds, windowSeconds } = opts;
  const clock = opts.clock ?? Date.now;
  const sent: TelemetryInput[] = [];

  const live = (classId: number, at: number): LiveRankings => {
    const raceId = raceIdAt(at, raceSeconds);
    const second = Math.floor(raceSecondAt(raceId, raceSeconds, at) / windowSeconds) * windowSeconds;
    const n = riders - classId * 3;
    const entries: LiveEntry[] = rank(
      Array.from({ length: n }, (_, i) => ({
        racerId: `r${classId}-${i}`,
        name: riderName(i + classId),
        output: outputAt(i + classId, second),
        second,
      })),
    );
    const mine = sent.filter((r) => r.classId === classId && r.raceId === raceId).at(-1);
    if (mine)
      entries.push({
        rank: 0,
        racerId: mine.racerId,
        name: mine.name ?? null,
        output: mine.output,
        second: mine.second,
      });
    return {
      classId,
      raceId,
      updatedAt: new Date(raceStartMillis(raceId, raceSeconds) + second * 1000).toISOString(),
      entries: rank(entries),
    };
  };

  const results = (classId: number, raceId: number): RaceResult[] =>
    rank(
      Array.from({ length: riders - classId * 3 }, (_, i) => ({
        racerId: `r${classId}-${i}`,
        name: riderName(i + classId),
        output: outputAt(i + classId + (raceId % 5), raceSeconds),
        classId,
        raceId,
        finished: i % 17 !== 3,
        lastSecond: raceSeconds,
      })),
    );

  const raceOf = (classId: number, raceId: number): Race => {
    const now = clock();
    const status =
      now < raceStartMillis(raceId, raceSeconds)
        ? 'SCHEDULED'
        : now < raceEndMillis(raceId, raceSeconds)
        ? 'RUNNING'
        : 'FINISHED';
    const rs = status === 'FINISHED' ? results(classId, raceId) : [];
    return {
      classId,
      raceId,
      startsAt: new Date(raceStartMillis(raceId, raceSeconds)).toISOString(),
      endsAt: new Date(raceEndMillis(raceId, raceSeconds)).toISOString(),
      status,
      raceSeconds,
      competitors: rs.length || null,
      finishers: rs.filter((r) => r.finished).length || null,
      winnerRacerId: rs[0]?.racerId ?? null,
      winnerName: rs[0]?.name ?? null,
      bestOutput: rs[0]?.output ?? null,
    };
  };

  const page = <T>(items: T[], limit: number, token: string | null | undefined): Page<T> => {
    const start = token ? Number(token) : 0;
    const end = start + limit;
    return { items: items.slice(start, end), nextToken: end < items.length ? String(end) : null };
  };

  return {
    sent,
    raceClasses: async () => FAKE_CLASSES,
    currentRace: async (classId) => raceOf(classId, raceIdAt(clock(), raceSeconds)),
    race: async (classId, raceId) => raceOf(classId, raceId),
    races: async (classId, limit = 20, nextToken) => {
      const current = raceIdAt(clock(), raceSeconds);
      const ids = Array.from({ length: 45 }, (_, i) => current - 1 - i);
      return page(
        ids.map((id) => raceOf(classId, id)),
        limit,
        nextToken,
      );
    },
    raceResults: async (classId, raceId, limit = 100, nextToken) => page(results(classId, raceId), limit, nextToken),
    followLiveBoard(classId: number, racerId: string | null, observer: LiveObserver<LiveView>) {
      const update = (): void => observer.next(liveView(live(classId, clock()), racerId));
      const first = setTimeout(update, 0);
      const id = setInterval(update, windowSeconds * 1000);
      return () => {
        clearTimeout(first);
        clearInterval(id);
      };
    },
    allTimeRankings: async (classId: number, by: AllTimeOrder, limit = 100, nextToken) => {
      const items: AllTimeEntry[] = Array.from({ length: riders - classId * 3 }, (_, i) => ({
        rank: 0,
        racerId: `r${classId}-${i}`,
        name: riderName(i + classId),
        classId,
        bestOutput: outputAt(i + classId, raceSeconds) * 1.05,
        bestRaceId: raceIdAt(clock(), raceSeconds) - 1 - (i % 7),
        racesCompleted: 3 + (i % 11),
        totalOutput: outputAt(i + classId, raceSeconds) * (3 + (i % 11)),
        lastRaceId: raceIdAt(clock(), raceSeconds) - 1,
      }));
      const sorted = [...items].sort((a, b) =>
        by === 'TOTAL_OUTPUT' ? b.totalOutput - a.totalOutput : b.bestOutput - a.bestOutput,
      );
      sorted.forEach((e, i) => (e.rank = i + 1));
      return page(sorted, limit, nextToken);
    },
    racer: async (racerId: string): Promise<RacerStats | null> => {
      const m = /^r(\d+)-(\d+)$/.exec(racerId);
      if (!m) return null;
      const classId = Number(m[1]);
      const i = Number(m[2]);
      const current = raceIdAt(clock(), raceSeconds);
      return {
        racerId,
        name: riderName(i + classId),
        classes: [
          {
            classId,
            bestOutput: 88.2,
            bestRaceId: current - 3,
            racesCompleted: 12,
            totalOutput: 901.5,
            lastRaceId: current - 1,
          },
        ],
        recentResults: [1, 2, 3].map((k) => ({ classId, raceId: current - k, output: 70 + k, finished: k !== 2 })),
      };
    },
    recordTelemetry: async (records: TelemetryInput[], _idToken: string): Promise<TelemetryReceipt> => {
      sent.push(...records);
      return {
        accepted: records.length,
        failed: 0,
        records: records.map((_, index) => ({ index, sequenceNumber: String(index), shardId: 'shardId-000000000000' })),
      };
    },
    onConnectionState(listener: (s: ConnectionState) => void) {
      listener('connected');
      return () => undefined;
    },
    executeRaw: async (): Promise<RawResult> => ({ errors: [{ message: 'the fake Api has no GraphQL endpoint' }] }),
    subscribeRaw: () => () => undefined,
  };
}
