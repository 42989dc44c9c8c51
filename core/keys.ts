/**
 * The one module that knows the single table's key formats (docs/data-model.md).
 * Every writer (functions), every resolver and every test builds keys here.
 *
 * Written in the APPSYNC_JS subset (no regex literals, no classes, no throw,
 * no String.padStart) because resolvers bundle it too.
 */

/** Width of zero-padded race ids in sort keys (race slots of 1 s still fit). */
export const RACE_ID_WIDTH = 12;
/** Width of zero-padded inverted scores. */
export const SCORE_WIDTH = 15;
/** Scores are stored in milli-kJ so that sort keys are exact integers. */
export const SCORE_SCALE = 1000;
const SCORE_CEILING = 999999999999999; // 10^15 - 1
const ZEROS = '000000000000000000000000';

/** Left-pads a non-negative integer with zeros (AppSync has no padStart). */
export function pad(n: number, width: number): string {
  const s = `${Math.floor(n)}`;
  return s.length >= width ? s : (ZEROS + s).slice(-width);
}

/** Output in kJ as an integer number of milli-kJ. */
export function scoreUnits(outputKj: number): number {
  return Math.round(outputKj * SCORE_SCALE);
}

/**
 * Sort key that orders by score descending, then racerId ascending,
 * when read in ascending order (the contract's ranking order).
 */
export function rankKey(outputKj: number, racerId: string): string {
  return `${pad(SCORE_CEILING - scoreUnits(outputKj), SCORE_WIDTH)}#${racerId}`;
}

/** The score part of a rankKey, back in kJ. */
export function scoreOfRankKey(key: string): number {
  const inv = Number(key.split('#')[0]);
  return (SCORE_CEILING - inv) / SCORE_SCALE;
}

// ---- Table attributes -------------------------------------------------------
export const PK = 'PK';
export const SK = 'SK';
export const GSI1 = 'GSI1';
export const GSI1PK = 'GSI1PK';
export const GSI1SK = 'GSI1SK';
export const GSI2 = 'GSI2';
export const GSI2PK = 'GSI2PK';
export const GSI2SK = 'GSI2SK';

// ---- Item types --------------------------------------------------------------
export const ITEM_RACE = 'Race';
export const ITEM_RESULT = 'Result';
export const ITEM_LIVE_PART = 'LivePart';
export const ITEM_ALLTIME = 'AllTime';
export const ITEM_OPEN_RACE = 'OpenRace';
export const ITEM_LIVE_PUBLISH = 'LivePublish';
export const ITEM_RACE_ADMISSION = 'RaceAdmission';
export const ITEM_ADMITTED_RIDER = 'AdmittedRider';
export const ITEM_PENDING_FINAL = 'PendingFinal';
export const ITEM_SHARD_WATERMARK = 'ShardWatermark';
export const ITEM_SHARD_POSITION = 'ShardPosition';
export const ITEM_RANKING_HEAD = 'RankingHead';
export const ITEM_LIVE_BOARD = 'LiveBoard';
export const ITEM_LIVE_BOARD_BAND = 'LiveBoardBand';
export const ITEM_LIVE_BOARD_INDEX = 'LiveBoardIndex';
export const ITEM_RANK_TREE_NODE = 'RankTreeNode';
export const ITEM_RANK_TREE = 'RankTree';

/** A finished race's summary: PK CLASS#<c>, SK RACE#<raceId>. `races` queries it newest first. */
export function raceKey(classId: number, raceId: number): { PK: string; SK: string } {
  return { PK: classPk(classId), SK: `RACE#${pad(raceId, RACE_ID_WIDTH)}` };
}
export function classPk(classId: number): string {
  return `CLASS#${classId}`;
}
export const RACE_SK_PREFIX = 'RACE#';

/** A race the finalizer has seen and not yet closed: PK CLASS#<c>, SK OPEN#<raceId>. */
export function openRaceKey(classId: number, raceId: number): { PK: string; SK: string } {
  return { PK: classPk(classId), SK: `OPEN#${pad(raceId, RACE_ID_WIDTH)}` };
}
export const OPEN_SK_PREFIX = 'OPEN#';

/** Partition of everything about one race: results and live parts. */
export function racePk(classId: number, raceId: number): string {
  return `RACE#${classId}#${pad(raceId, RACE_ID_WIDTH)}`;
}

/**
 * Write shards of a race's results and pending finals, and of a class's
 * all-time rankings (docs/scaling.md §4.2–4.3): a 50,000-rider finish spread
 * over 8 partitions is 6,250 results per partition, and each reader merges
 * 8 sorted partitions (scatter-gather, one pipeline function per shard:
 * AppSync allows 10 per pipeline).
 */
export const RESULT_SHARDS = 8;
export const ALLTIME_SHARDS = 8;

/** Shard numbers 0..ALLTIME_SHARDS-1 (readers loop over them; APPSYNC_JS may not count in a loop). */
export const SHARD_NUMBERS = [0, 1, 2, 3, 4, 5, 6, 7];

/**
 * A rider's write shard among `shards`: a stable hash of the racerId, so all
 * of a rider's items of one kind share a partition and readers find a rider's
 * item from its id alone. Not a defence against chosen ids (a flood may fill
 * one shard): it spreads honest load; the cap bounds a flood.
 */
export function writeShard(racerId: string, shards: number): number {
  let h = 7;
  // APPSYNC_JS denies charCodeAt: a character's place in the racerId alphabet (65 for any other).
  for (const c of racerId) h = (h * 67 + RACER_ID_ALPHABET.indexOf(c) + 1) % 1000003;
  return h % shards;
}
const RACER_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** Partition of one write shard of a race's results and pending finals; shard 0 is the race's own partition. */
export function raceShardPk(classId: number, raceId: number, shard: number): string {
  return shard === 0 ? racePk(classId, raceId) : `${racePk(classId, raceId)}#${shard}`;
}

/**
 * The head of a ranking (core/rankingHead.ts): PK the ranking's scope (the
 * race's partition for its results, ALLTIME#<c>#BEST / ALLTIME#<c>#TOTAL for
 * an all-time ranking), SK HEAD.
 */
export function rankingHeadKey(scope: string): { PK: string; SK: string } {
  return { PK: scope, SK: RANKING_HEAD_SK };
}
export const RANKING_HEAD_SK = 'HEAD';

/** One rider's result: PK RACE#<c>#<raceId>[#<shard>], SK RESULT#<racerId>. */
export function resultKey(classId: number, raceId: number, racerId: string): { PK: string; SK: string } {
  return { PK: raceShardPk(classId, raceId, writeShard(racerId, RESULT_SHARDS)), SK: `RESULT#${racerId}` };
}
export const RESULT_SK_PREFIX = 'RESULT#';

/** GSI1 of a result: the race's results by output, in the rider's write shard. */
export function resultRankIndexKeys(
  classId: number,
  raceId: number,
  racerId: string,
  outputKj: number,
): { GSI1PK: string; GSI1SK: string } {
  return {
    GSI1PK: raceShardPk(classId, raceId, writeShard(racerId, RESULT_SHARDS)),
    GSI1SK: rankKey(outputKj, racerId),
  };
}

/** GSI2 of a result: the rider's results, newest first. */
export function racerResultsIndexKeys(
  racerId: string,
  classId: number,
  raceId: number,
): { GSI2PK: string; GSI2SK: string } {
  return { GSI2PK: racerPk(racerId), GSI2SK: `RESULT#${pad(raceId, RACE_ID_WIDTH)}#${classId}` };
}

/**
 * One page of a shard's part of a race's live snapshot: PK RACE#<c>#<raceId>,
 * SK LIVE#<shardId> for page 0, LIVE#<shardId>#<page> after it (a part
 * splits into pages to stay under DynamoDB's item size, core/livePartPages.ts).
 */
export function livePartKey(classId: number, raceId: number, shardId: string, page = 0): { PK: string; SK: string } {
  return { PK: racePk(classId, raceId), SK: page === 0 ? `LIVE#${shardId}` : `LIVE#${shardId}#${page}` };
}
export const LIVE_SK_PREFIX = 'LIVE#';

/** The shard and page of a LivePart sort key (shard ids hold no `#`). */
export function livePartOfSortKey(sk: string): { shardId: string; page: number } {
  const rest = sk.slice(LIVE_SK_PREFIX.length);
  const hash = rest.indexOf('#');
  if (hash < 0) return { shardId: rest, page: 0 };
  return { shardId: rest.slice(0, hash), page: Number(rest.slice(hash + 1)) };
}

/**
 * A race's admission counter: PK RACE#<c>#<raceId>, SK ADMISSION. How many
 * riders the race has admitted and how many slots each shard holds
 * (core/raceAdmission.ts).
 */
export function raceAdmissionKey(classId: number, raceId: number): { PK: string; SK: string } {
  return { PK: racePk(classId, raceId), SK: 'ADMISSION' };
}

/**
 * Where a race keeps a rider's admission: PK RACE#<c>#<raceId>, SK
 * ADMIT#<bucket> (link 0) or ADMIT#<bucket>#<link> (links 1, 2, …): items
 * whose `racerIds` string sets hold the admitted riders of the bucket. The
 * bucket is the racerId's last character, so an honest race's thousands of
 * admissions are a few set additions per window on at most 64 items. Riders
 * choose their ids, so one bucket may receive every rider of the race: a link
 * holds at most ADMIT_LINK_MAX_IDS ids and the next link takes the rest
 * (core/raceAdmission.ts admittedLinks says how many links a race may have).
 */
export function admittedRiderKey(
  classId: number,
  raceId: number,
  racerId: string,
  link = 0,
): { PK: string; SK: string } {
  const bucket = `ADMIT#${racerId.slice(-1)}`;
  return { PK: racePk(classId, raceId), SK: link === 0 ? bucket : `${bucket}#${link}` };
}

/**
 * A rider's first valid final record, kept until the race closes: PK
 * RACE#<c>#<raceId>[#<shard>] (the rider's result shard: a race's finals
 * arrive within seconds of its end), SK FINAL#<racerId>.
 */
export function pendingFinalKey(classId: number, raceId: number, racerId: string): { PK: string; SK: string } {
  return { PK: raceShardPk(classId, raceId, writeShard(racerId, RESULT_SHARDS)), SK: `FINAL#${racerId}` };
}
export const FINAL_SK_PREFIX = 'FINAL#';

/**
 * How far a stream consumer has read one shard: PK CONSUMER#<consumer>, SK
 * SHARD#<shardId>. The finalizer closes a race only once every shard it is
 * still reading has passed the race's end plus grace.
 */
export function shardPositionKey(consumer: string, shardId: string): { PK: string; SK: string } {
  return { PK: consumerPk(consumer), SK: `${SHARD_SK_PREFIX}${shardId}` };
}
export function consumerPk(consumer: string): string {
  return `CONSUMER#${consumer}`;
}
export const SHARD_SK_PREFIX = 'SHARD#';

/**
 * The race's live-publish marker: PK RACE#<c>#<raceId>, SK LIVEPUB (which
 * does not begin with LIVE#, so readers of the parts never see it). Holds the
 * progress of the last snapshot a closer claimed to publish.
 */
export function livePublishKey(classId: number, raceId: number): { PK: string; SK: string } {
  return { PK: racePk(classId, raceId), SK: 'LIVEPUB' };
}

/**
 * The race's published live board (core/liveBoardItems.ts): PK
 * RACE#<c>#<raceId>, SK BOARD for its head (which copy holds the newest
 * board, and its size), BOARD#<copy>#B#<band> for a band of 50 riders,
 * BOARD#<copy>#I#<n> for a slice of the rider → position index. None begins
 * with LIVE#, so readers of the parts never see them.
 */
export function liveBoardHeadKey(classId: number, raceId: number): { PK: string; SK: string } {
  return { PK: racePk(classId, raceId), SK: 'BOARD' };
}
export function liveBoardBandKey(
  classId: number,
  raceId: number,
  copy: number,
  band: number,
): { PK: string; SK: string } {
  return { PK: racePk(classId, raceId), SK: `BOARD#${copy}#B#${pad(band, 5)}` };
}
export function liveBoardIndexKey(
  classId: number,
  raceId: number,
  copy: number,
  slice: number,
): { PK: string; SK: string } {
  return { PK: racePk(classId, raceId), SK: `BOARD#${copy}#I#${pad(slice, 5)}` };
}

/**
 * A stream shard's window watermark: PK LIVEWM, SK SHARD#<shardId> (one item
 * per shard of the telemetry stream, whatever the race): the newest window the
 * shard's aggregator closed, the window it opened, and the races it closed
 * lately (core/shardWatermark.ts). One partition holds every shard's
 * watermark, so a closer reads them all with one Query.
 */
export function shardWatermarkKey(shardId: string): { PK: string; SK: string } {
  return { PK: SHARD_WATERMARK_PK, SK: `SHARD#${shardId}` };
}
export const SHARD_WATERMARK_PK = 'LIVEWM';

/**
 * The claim on the boards of the newest window a closer found complete: PK
 * LIVEWM, SK CLAIM (beside the shards' watermarks, so the Query that reads
 * them reads it too). One claim per window publishes every running race's
 * board of it (functions/aggregator/publishClaim.ts claimBoards).
 */
export function windowClaimKey(): { PK: string; SK: string } {
  return { PK: SHARD_WATERMARK_PK, SK: 'CLAIM' };
}

/**
 * The key of a rider in a LivePart's `riders` map. The contract lets a racerId
 * be `__proto__`, which JavaScript object code (the AWS SDK's marshaller and
 * unmarshaller among it) treats as the prototype, not a key: it is stored as
 * `~__proto__` (`~` is outside the racerId alphabet, so nothing collides).
 */
export function riderMapKey(racerId: string): string {
  return racerId === '__proto__' ? '~__proto__' : racerId;
}

/** The racerId of a key of a LivePart's `riders` map (the inverse of riderMapKey). */
export function racerIdOfRiderMapKey(key: string): string {
  return key === '~__proto__' ? '__proto__' : key;
}

/** A rider's partition: all-time stats per class. */
export function racerPk(racerId: string): string {
  return `RACER#${racerId}`;
}

/** A rider's all-time stats in one class: PK RACER#<id>, SK CLASS#<c>. */
export function allTimeKey(racerId: string, classId: number): { PK: string; SK: string } {
  return { PK: racerPk(racerId), SK: classPk(classId) };
}
export const ALLTIME_SK_PREFIX = 'CLASS#';

/**
 * Partition of one write shard of a class's all-time ranking (a rider's
 * shard: writeShard(racerId, ALLTIME_SHARDS)); shard 0 keeps the unsharded key.
 */
export function allTimeBestPk(classId: number, shard = 0): string {
  return shard === 0 ? `ALLTIME#${classId}#BEST` : `ALLTIME#${classId}#BEST#${shard}`;
}
export function allTimeTotalPk(classId: number, shard = 0): string {
  return shard === 0 ? `ALLTIME#${classId}#TOTAL` : `ALLTIME#${classId}#TOTAL#${shard}`;
}

/**
 * A node of a write shard's rank tree (core/rankTree.ts): PK the shard's
 * ranking partition (allTimeBestPk / allTimeTotalPk with its shard; a table
 * partition of that name holds nothing else), SK TREE#<level>#<prefix>.
 */
export function rankTreeNodeKey(shardPk: string, level: number, prefix: number): { PK: string; SK: string } {
  return { PK: shardPk, SK: `TREE#${pad(level, 2)}#${pad(prefix, 12)}` };
}

/**
 * Whether a class's rank trees count every rider of its all-time rankings:
 * PK ALLTIME#<c>, SK RANKTREE (core/rankTree.ts RankTreeItem).
 */
export function rankTreeKey(classId: number): { PK: string; SK: string } {
  return { PK: `ALLTIME#${classId}`, SK: 'RANKTREE' };
}

/** The score of a rankKey in milli-kJ (exact: the key's own integer). */
export function unitsOfRankKey(key: string): number {
  return SCORE_CEILING - Number(key.split('#')[0]);
}

/**
 * The least sort key of a score band (every rankKey of a score in milli-kJ
 * from `lowUnits` to `highUnits` sorts at or after it): the inverted highest score.
 */
export function rankKeyFloor(highUnits: number): string {
  return pad(SCORE_CEILING - highUnits, SCORE_WIDTH);
}

/** GSI1 (personal best) and GSI2 (total output) keys of an all-time item. */
export function allTimeIndexKeys(
  racerId: string,
  classId: number,
  bestOutputKj: number,
  totalOutputKj: number,
): { GSI1PK: string; GSI1SK: string; GSI2PK: string; GSI2SK: string } {
  const shard = writeShard(racerId, ALLTIME_SHARDS);
  return {
    GSI1PK: allTimeBestPk(classId, shard),
    GSI1SK: rankKey(bestOutputKj, racerId),
    GSI2PK: allTimeTotalPk(classId, shard),
    GSI2SK: rankKey(totalOutputKj, racerId),
  };
}
