/**
 * What the API shows of a race, read through the typed client with the API
 * key (every page), in the shapes expectedRace.ts computes.
 */
import type { AlleycatClient } from '../../../client/index.js';
import {
  AllTimeRankingsDocument,
  LiveRankingsDocument,
  RaceDocument,
  RaceResultsDocument,
  RacerDocument,
} from '../../../client/generated/operations.js';
import type { AllTimeOrder } from '../../../core/generated/schema.js';

export async function readResults(client: AlleycatClient, classId: number, raceId: number) {
  const items = [];
  let nextToken: string | null | undefined;
  do {
    const page = await client.query(RaceResultsDocument, { classId, raceId, limit: 100, nextToken });
    items.push(...page.raceResults.items);
    nextToken = page.raceResults.nextToken;
  } while (nextToken);
  return items.map((r) => ({
    rank: r.rank,
    racerId: r.racerId,
    name: r.name,
    output: r.output,
    classId: r.classId,
    raceId: r.raceId,
    finished: r.finished,
    lastSecond: r.lastSecond,
  }));
}

export async function readAllTime(client: AlleycatClient, classId: number, by: AllTimeOrder) {
  const items = [];
  let nextToken: string | null | undefined;
  do {
    const page = await client.query(AllTimeRankingsDocument, { classId, by, limit: 100, nextToken });
    items.push(...page.allTimeRankings.items);
    nextToken = page.allTimeRankings.nextToken;
  } while (nextToken);
  return items.map((i) => ({
    rank: i.rank,
    racerId: i.racerId,
    name: i.name,
    classId: i.classId,
    bestOutput: i.bestOutput,
    bestRaceId: i.bestRaceId,
    racesCompleted: i.racesCompleted,
    totalOutput: i.totalOutput,
    lastRaceId: i.lastRaceId,
  }));
}

/** The live board of a class (the running race's, or the one just ended while the next has no data). */
export async function readLiveBoard(client: AlleycatClient, classId: number) {
  const live = (await client.query(LiveRankingsDocument, { classId })).liveRankings;
  if (!live) return undefined;
  return {
    raceId: live.raceId,
    entries: live.entries.map((e) => ({
      rank: e.rank,
      racerId: e.racerId,
      name: e.name,
      output: e.output,
      second: e.second,
    })),
  };
}

export async function readSummary(client: AlleycatClient, classId: number, raceId: number) {
  const race = (await client.query(RaceDocument, { classId, raceId })).race;
  return {
    status: race.status,
    competitors: race.competitors,
    finishers: race.finishers,
    winnerRacerId: race.winnerRacerId,
    winnerName: race.winnerName,
    bestOutput: race.bestOutput,
  };
}

export async function readRacer(client: AlleycatClient, racerId: string) {
  return (await client.query(RacerDocument, { racerId })).racer;
}
