/**
 * DynamoDB adapter of the rank trees (core/rankTree.ts): a rider's index keys
 * and the trees' counts move together, in one transaction — the rider's
 * update, conditioned on the keys it moves from (so a concurrent or replayed
 * refresh cannot count a move twice), and one ADD per tree node whose count
 * changes (only when the rider's 1 kJ band changes). The moves of one class
 * that a process has under way at once share a transaction (each node once,
 * deltas summed): a class's moves would otherwise wait for one another, one
 * transaction each, and a large race's results of one class are thousands of
 * moves at once. Before a class's first
 * move, its RankTree item records whether its rankings were empty then: only
 * then do the trees count every rider, and only then do the readers trust them.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ALLTIME_SHARDS,
  GSI1,
  GSI1PK,
  GSI2,
  GSI2PK,
  ITEM_RANK_TREE,
  ITEM_RANK_TREE_NODE,
  SHARD_NUMBERS,
  allTimeBestPk,
  allTimeTotalPk,
  rankTreeKey,
  rankTreeNodeKey,
  unitsOfRankKey,
} from '../../core/keys.js';
import { bandOfUnits, treeDeltas, type TreeDelta } from '../../core/rankTree.js';
import { isConditionFailure } from '../runtime/conditionalWrite.js';
import { ConflictError } from '../runtime/errors.js';
import type { AllTimeProgress, UpdateSpec } from './allTimeUpdates.js';

/** Transactions tried again when another one holds a node they change (TransactionConflict). */
const MAX_TREE_CONFLICTS = 12;
const KEY_NAMES = ['GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'] as const;
const NEW_KEY_VALUES = { GSI1PK: ':p1', GSI1SK: ':k1', GSI2PK: ':p2', GSI2SK: ':k2' } as const;

/** Classes whose RankTree item this process has seen (it never changes once written). */
const treesKnown = new Set<string>();

/**
 * Applies an index refresh (allTimeUpdates.ts indexRefresh) and the tree counts
 * it moves; returns the item as it then is, or null if the item changed in
 * between (the caller reads it again).
 */
export async function moveIndexKeys(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  item: AllTimeProgress,
  refresh: UpdateSpec,
): Promise<AllTimeProgress | null> {
  await ensureRankTree(ddb, tableName, item.classId);
  const next: Record<string, string> = {};
  for (const name of KEY_NAMES) next[name] = refresh.ExpressionAttributeValues[NEW_KEY_VALUES[name]] as string;
  const deltas = [
    ...moves(item.GSI1PK, item.GSI1SK, next.GSI1PK as string, next.GSI1SK as string),
    ...moves(item.GSI2PK, item.GSI2SK, next.GSI2PK as string, next.GSI2SK as string),
  ];
  const nodes = nodeUpdates(deltas);
  // The keys it moves from: a refresh that finds them moved already counts nothing.
  const names: Record<string, string> = { ...(refresh.ExpressionAttributeNames ?? {}) };
  const values: Record<string, unknown> = { ...refresh.ExpressionAttributeValues };
  const conditions = [refresh.ConditionExpression];
  for (const name of KEY_NAMES) {
    const old = item[name];
    if (old === undefined) conditions.push(`attribute_not_exists(${name})`);
    else {
      conditions.push(`${name} = :old${name}`);
      values[`:old${name}`] = old;
    }
  }
  const update: TransactUpdate = {
    TableName: tableName,
    Key: refresh.Key,
    UpdateExpression: refresh.UpdateExpression,
    ConditionExpression: conditions.join(' AND '),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
  };
  const moved: AllTimeProgress = {
    ...item,
    ...next,
    ...(values[':last'] === undefined ? {} : { lastRaceId: values[':last'] as number }),
  };
  if (nodes.length === 0) {
    try {
      await ddb.send(new UpdateCommand(update));
      return moved;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }
  // The moves of one class share its trees' upper nodes: this process makes them together, in one
  // transaction per turn (one by one they would only cancel each other); other consumers' moves are
  // retried on conflict.
  const applied = await moveWithClass(ddb, tableName, `${tableName}#${item.classId}`, {
    update,
    riderKey: JSON.stringify(refresh.Key),
    deltas,
  });
  return applied ? moved : null;
}

/** A conditional update as one item of a transaction. */
type TransactUpdate = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']>;

/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** One rider's move waiting for its class's next transaction. */
interface Move {
  update: TransactUpdate;
  /** The rider item's key: a transaction changes an item once, so one rider's two moves go in turn. */
  riderKey: string;
  deltas: ReadonlyArray<TreeDelta & { pk: string }>;
}

interface WaitingMove extends Move {
  settle(applied: boolean): void;
  fail(error: unknown): void;
}

/** Per class and table: the moves waiting for a transaction, and whether one is being made. */
const classTurns = new Map<string, { waiting: WaitingMove[] }>();

/**
 * Makes `move` in the class's next transaction, with the other moves this
 * process has waiting for the class then (merged: each node once, its digits'
 * deltas summed). Resolves true once applied, false if the rider's condition
 * refused it (its keys moved in between).
 */
function moveWithClass(ddb: DynamoDBDocumentClient, tableName: string, key: string, move: Move): Promise<boolean> {
  return new Promise<boolean>((settle, fail) => {
    const turn = classTurns.get(key);
    if (turn !== undefined) {
      turn.waiting.push({ ...move, settle, fail });
      return;
    }
    const started = { waiting: [{ ...move, settle, fail }] };
    classTurns.set(key, started);
    void (async () => {
      try {
        while (started.waiting.length > 0) await commitTogether(ddb, tableName, takeGroup(started.waiting));
      } catch (error) {
        for (const m of started.waiting.splice(0)) m.fail(error);
      } finally {
        classTurns.delete(key);
      }
    })();
  });
}

/** The waiting moves that fit in one transaction, in arrival order (taken out of `waiting`). */
function takeGroup(waiting: WaitingMove[]): WaitingMove[] {
  const group: WaitingMove[] = [];
  const riders = new Set<string>();
  const nodes = new Set<string>();
  for (let i = 0; i < waiting.length; ) {
    const move = waiting[i] as WaitingMove;
    const ids = move.deltas.map((d) => nodeId(d));
    const more = ids.filter((id) => !nodes.has(id));
    const fits = group.length === 0 || riders.size + 1 + nodes.size + new Set(more).size <= MAX_TRANSACTION_ITEMS;
    if (riders.has(move.riderKey) || !fits) {
      i += 1;
      continue;
    }
    group.push(move);
    riders.add(move.riderKey);
    for (const id of ids) nodes.add(id);
    waiting.splice(i, 1);
  }
  return group;
}

/** Commits a group of moves in one transaction; every move is settled or failed on return. */
async function commitTogether(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  group: readonly WaitingMove[],
): Promise<void> {
  let members = [...group];
  for (let conflicts = 0; members.length > 0; ) {
    const nodes = nodeUpdates(members.flatMap((m) => m.deltas));
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            ...members.map((m) => ({ Update: m.update })),
            ...nodes.map((n) => ({ Update: { TableName: tableName, ...n } })),
          ],
        }),
      );
      for (const m of members) m.settle(true);
      return;
    } catch (error) {
      const reasons = cancellationReasons(error);
      const refused = reasons === null ? [] : members.filter((_, i) => reasons[i] === 'ConditionalCheckFailed');
      if (refused.length > 0) {
        // Those riders' keys moved in between: they are read again; the others go on without them.
        for (const m of refused) m.settle(false);
        members = members.filter((m) => !refused.includes(m));
        continue;
      }
      let failure: unknown = error;
      if (reasons !== null && reasons.includes('TransactionConflict')) {
        conflicts += 1;
        if (conflicts < MAX_TREE_CONFLICTS) {
          // Another consumer's move holds a node: try again after a moment, spread so that they part.
          await sleep(10 + Math.floor(Math.random() * 40 * conflicts));
          continue;
        }
        failure = new ConflictError(`the rank trees of ${tableName} stayed busy`);
      }
      for (const m of members) m.fail(failure);
      return;
    }
  }
}

/** A tree node's identity (its item's key). */
function nodeId(d: TreeDelta & { pk: string }): string {
  const key = rankTreeNodeKey(d.pk, d.level, d.prefix);
  return `${key.PK}|${key.SK}`;
}

/** The tree deltas of one ranking's key moving (the write shard's partition is the tree's). */
function moves(
  fromPk: string | undefined,
  fromKey: string | undefined,
  toPk: string,
  toKey: string,
): Array<TreeDelta & { pk: string }> {
  const from = fromKey === undefined ? null : bandOfUnits(unitsOfRankKey(fromKey));
  const to = bandOfUnits(unitsOfRankKey(toKey));
  if (fromPk === undefined || from === null || fromPk === toPk) {
    return treeDeltas(from, to).map((d) => ({ ...d, pk: toPk }));
  }
  // An item indexed before its write shard was is moved between partitions (and so between trees).
  return [
    ...treeDeltas(from, null).map((d) => ({ ...d, pk: fromPk })),
    ...treeDeltas(null, to).map((d) => ({ ...d, pk: toPk })),
  ];
}

/** One ADD update per node, its digits' deltas summed. */
function nodeUpdates(deltas: ReadonlyArray<TreeDelta & { pk: string }>): Array<{
  Key: { PK: string; SK: string };
  UpdateExpression: string;
  ExpressionAttributeValues: Record<string, unknown>;
}> {
  const byNode = new Map<string, { key: { PK: string; SK: string }; digits: Map<number, number> }>();
  for (const d of deltas) {
    const key = rankTreeNodeKey(d.pk, d.level, d.prefix);
    const id = `${key.PK}|${key.SK}`;
    const node = byNode.get(id) ?? { key, digits: new Map<number, number>() };
    node.digits.set(d.digit, (node.digits.get(d.digit) ?? 0) + d.delta);
    byNode.set(id, node);
  }
  const updates = [];
  for (const { key, digits } of byNode.values()) {
    const adds: string[] = [];
    const values: Record<string, unknown> = { ':type': ITEM_RANK_TREE_NODE };
    for (const [digit, delta] of digits) {
      if (delta === 0) continue;
      adds.push(`d${digit} :d${digit}`);
      values[`:d${digit}`] = delta;
    }
    if (adds.length > 0) {
      updates.push({
        Key: key,
        UpdateExpression: `SET itemType = :type ADD ${adds.join(', ')}`,
        ExpressionAttributeValues: values,
      });
    }
  }
  return updates;
}

/** The codes of a cancelled transaction's items; null for any other error. */
function cancellationReasons(error: unknown): string[] | null {
  if (!(error instanceof Error)) return null;
  if (error.name === 'TransactionConflictException') return ['None', 'TransactionConflict'];
  if (error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

/**
 * Makes sure the class's RankTree item exists before its first count: complete
 * when neither ranking has a rider yet (every rider from then on is counted
 * as its keys are first set).
 */
async function ensureRankTree(ddb: DynamoDBDocumentClient, tableName: string, classId: number): Promise<void> {
  const known = `${tableName}|${classId}`;
  if (treesKnown.has(known)) return;
  const key = rankTreeKey(classId);
  const got = await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  if (got.Item === undefined) {
    const partitions = SHARD_NUMBERS.slice(0, ALLTIME_SHARDS).flatMap((shard) => [
      { index: GSI1, pkName: GSI1PK, pk: allTimeBestPk(classId, shard) },
      { index: GSI2, pkName: GSI2PK, pk: allTimeTotalPk(classId, shard) },
    ]);
    const firsts = await Promise.all(
      partitions.map((p) =>
        ddb.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: p.index,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': p.pkName },
            ExpressionAttributeValues: { ':pk': p.pk },
            Limit: 1,
          }),
        ),
      ),
    );
    const empty = firsts.every((q) => (q.Items ?? []).length === 0);
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET itemType = :type, complete = :complete, createdAt = :now',
          ConditionExpression: 'attribute_not_exists(PK)',
          ExpressionAttributeValues: { ':type': ITEM_RANK_TREE, ':complete': empty, ':now': new Date().toISOString() },
        }),
      );
    } catch (error) {
      // Another consumer wrote it first: theirs stands.
      if (!isConditionFailure(error)) throw error;
    }
  }
  treesKnown.add(known);
}
