/**
 * Which GraphQL fields have resolvers, of what kind, on which data source.
 * Read by the CDK stack (infra/) and by the local AppSync runtime (local/appsync),
 * so both wire exactly the same bundles (built by resolvers/build.ts).
 */
import { SHARD_NUMBERS } from '../core/keys.js';

export type DataSourceName = 'table' | 'none' | 'kinesis';

export interface FunctionSpec {
  /** Name of the pipeline function; its code is resolvers/functions/<name>.ts. */
  readonly name: string;
  readonly dataSource: DataSourceName;
}

export interface ResolverSpec {
  /** A root type, or an object type whose field has its own resolver (RacerClassStats's ranks). */
  readonly typeName: 'Query' | 'Mutation' | 'Subscription' | 'RacerClassStats';
  readonly fieldName: string;
  /** A unit resolver has a data source; a pipeline resolver has functions. */
  readonly dataSource?: DataSourceName;
  readonly functions?: readonly FunctionSpec[];
}

/** Code of a resolver lives in resolvers/<typeName>.<fieldName>.ts. */
export function resolverFile(spec: ResolverSpec): string {
  return `${spec.typeName}.${spec.fieldName}`;
}

export const DATA_SOURCES: Record<DataSourceName, { kind: 'AMAZON_DYNAMODB' | 'NONE' | 'HTTP' }> = {
  table: { kind: 'AMAZON_DYNAMODB' },
  none: { kind: 'NONE' },
  kinesis: { kind: 'HTTP' },
};

/**
 * API environment variables (ctx.env). The CDK stack and the local stack set
 * the same names.
 */
export const ENV_NAMES = ['TABLE_NAME', 'STREAM_NAME', 'RACE_SECONDS', 'GRACE_SECONDS'] as const;

/**
 * The published live board (core/liveBoardItems.ts) of the running race, or
 * of the race just ended when it has none yet: its head, then the bands a
 * query needs (liveRider first finds the rider in the board's index). Each
 * reads a bounded number of items whatever the field size.
 */
const LIVE_BOARD_HEAD: FunctionSpec = { name: 'getLiveBoardHead', dataSource: 'table' };
const LIVE_BOARD_BANDS: FunctionSpec = { name: 'getLiveBoardBands', dataSource: 'table' };

/** One Query per write shard of a ranking (core/keys.ts SHARD_NUMBERS; the same function each time). */
const RANK_SHARD_QUERIES: readonly FunctionSpec[] = SHARD_NUMBERS.map(() => ({
  name: 'queryRankShard',
  dataSource: 'table',
}));

/** A first page of a ranked reader from the ranking's head (core/rankingHead.ts). */
const RANKING_HEAD_READ: FunctionSpec = { name: 'getRankingHead', dataSource: 'table' };

/** The class's rank trees along a rider's band (core/rankTree.ts): riders in higher bands, counted. */
const RANK_TREE_READ: FunctionSpec = { name: 'getRankTree', dataSource: 'table' };

export const RESOLVERS: readonly ResolverSpec[] = [
  { typeName: 'Query', fieldName: 'raceClasses', dataSource: 'none' },
  { typeName: 'Query', fieldName: 'currentRace', dataSource: 'none' },
  { typeName: 'Query', fieldName: 'race', dataSource: 'table' },
  { typeName: 'Query', fieldName: 'races', dataSource: 'table' },
  {
    // A pipeline: the race's results are write-sharded (core/keys.ts RESULT_SHARDS), one Query per
    // shard, merged in the response; with `around`, the rider's result first.
    typeName: 'Query',
    fieldName: 'raceResults',
    functions: [RANKING_HEAD_READ, { name: 'findResultStart', dataSource: 'table' }, ...RANK_SHARD_QUERIES],
  },
  {
    typeName: 'Query',
    fieldName: 'liveRankings',
    functions: [LIVE_BOARD_HEAD, { name: 'getLiveBoardTop', dataSource: 'table' }],
  },
  {
    // A pipeline: the ranking is write-sharded (core/keys.ts ALLTIME_SHARDS), merged in the response;
    // a first page from the ranking's head, or with `around` the rider's item (one function: AppSync
    // allows 10), then the rank trees count the riders in higher bands than the rider's.
    typeName: 'Query',
    fieldName: 'allTimeRankings',
    functions: [{ name: 'findAllTimeStart', dataSource: 'table' }, RANK_TREE_READ, ...RANK_SHARD_QUERIES],
  },
  {
    typeName: 'Query',
    fieldName: 'liveBoard',
    functions: [LIVE_BOARD_HEAD, LIVE_BOARD_BANDS],
  },
  {
    typeName: 'Query',
    fieldName: 'liveRider',
    functions: [LIVE_BOARD_HEAD, { name: 'getLiveBoardIndex', dataSource: 'table' }, LIVE_BOARD_BANDS],
  },
  {
    typeName: 'Query',
    fieldName: 'racer',
    functions: [
      { name: 'getRacerClassStats', dataSource: 'table' },
      { name: 'getRacerRecentResults', dataSource: 'table' },
    ],
  },
  // The rider's all-time ranks, counted only when asked for: the rank trees, then the rider's band of each shard.
  { typeName: 'RacerClassStats', fieldName: 'bestRank', functions: [RANK_TREE_READ, ...RANK_SHARD_QUERIES] },
  { typeName: 'RacerClassStats', fieldName: 'totalRank', functions: [RANK_TREE_READ, ...RANK_SHARD_QUERIES] },
  {
    // A pipeline: the admission check reads the table before the Kinesis put.
    typeName: 'Mutation',
    fieldName: 'recordTelemetry',
    functions: [
      { name: 'getRaceAdmissions', dataSource: 'table' },
      { name: 'getAdmittedRiders', dataSource: 'table' },
      { name: 'putTelemetryRecords', dataSource: 'kinesis' },
    ],
  },
  { typeName: 'Mutation', fieldName: 'publishLiveRankings', dataSource: 'none' },
  { typeName: 'Subscription', fieldName: 'onLiveRankings', dataSource: 'none' },
  { typeName: 'Mutation', fieldName: 'publishLiveBand', dataSource: 'none' },
  { typeName: 'Subscription', fieldName: 'onLiveBoard', dataSource: 'none' },
];
