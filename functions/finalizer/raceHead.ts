/**
 * The head of a race's results (core/rankingHead.ts): its first
 * RANKING_HEAD_SIZE results in ranking order with their ranks, written by the
 * close once every result is in, so that the first page of raceResults is one
 * GetItem. A closed race's results never change, so neither does its head; a
 * close that runs again writes the same head.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_RANKING_HEAD, racePk, rankingHeadKey } from '../../core/keys.js';
import {
  RANKING_HEAD_SIZE,
  RESULT_HEAD_FIELDS,
  encodeHeadEntries,
  headEntry,
  type RankingHeadItem,
} from '../../core/rankingHead.js';
import type { OpenRace } from '../../core/openRace.js';
import type { ResultItem } from '../../core/resultItem.js';

/** The head item of a race from its results, already ranked (withRanks: sorted, with rank and position). */
export function buildRaceHead(race: OpenRace, ranked: readonly ResultItem[], updatedAt: string): RankingHeadItem {
  const entries = ranked
    .slice(0, RANKING_HEAD_SIZE)
    .map((r) => headEntry(r as unknown as Record<string, unknown>, RESULT_HEAD_FIELDS));
  return {
    ...rankingHeadKey(racePk(race.classId, race.raceId)),
    itemType: ITEM_RANKING_HEAD,
    entries: encodeHeadEntries(entries),
    more: ranked.length > RANKING_HEAD_SIZE,
    version: 1,
    updatedAt,
  };
}

/** Writes a race's head (a plain put: every close of the race writes the same). */
export async function putRaceHead(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  head: RankingHeadItem,
): Promise<void> {
  await ddb.send(new PutCommand({ TableName: tableName, Item: head }));
}
