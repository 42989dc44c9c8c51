/**
 * Lambda's delivery guarantees across kills, checked on what the probes saw:
 * a record is finished (its invocation returned) at most once per run; a
 * record the killed stack had committed (its persisted checkpoint) is never
 * delivered again; a record committed at the kill that ended the run which
 * first finished it was finished exactly once; none more than twice; none
 * committed before any invocation finished it; none lost.
 */
import { completedRecords, type Invocation, type ProbedRecord } from './probeLog.js';
import { isCommitted, type PersistedCheckpoints } from './persistedCheckpoints.js';

export interface AuditInput {
  fn: string;
  invocations: readonly Invocation[];
  /** Process ids of the stack runs, in order. */
  runs: readonly number[];
  /** The checkpoints each killed run left (kills[k] ended runs[k]). */
  kills: readonly PersistedCheckpoints[];
  /** The shard of a delivered record (DynamoDB Streams records do not carry it). */
  shardOf: (record: ProbedRecord) => string;
  /** Records that must reach the function (`shardId:seq`): every acknowledged put, for the Kinesis consumers. */
  required?: ReadonlyArray<{ shardId: string; seq: string }>;
}

export interface AuditReport {
  violations: string[];
  /** Per kill: records finished before it that it had committed (what makes the exactly-once check bite). */
  committedAtKill: number[];
  /** Records delivered in more than one run (after a kill). */
  redelivered: number;
  /** Records finished twice in all (finished, not committed, killed, finished again). */
  finishedTwice: number;
  /** Records delivered at all. */
  delivered: number;
}

export function auditDeliveries(input: AuditInput): AuditReport {
  const { fn, runs, kills } = input;
  const runOf = new Map(runs.map((pid, i) => [pid, i]));
  // key → per run: times started, times finished
  const seen = new Map<string, { shardId: string; seq: string; started: number[]; finished: number[] }>();
  const entry = (r: ProbedRecord) => {
    const shardId = input.shardOf(r);
    const key = `${shardId}:${r.seq}`;
    let e = seen.get(key);
    if (!e) {
      e = { shardId, seq: r.seq, started: runs.map(() => 0), finished: runs.map(() => 0) };
      seen.set(key, e);
    }
    return e;
  };
  const violations: string[] = [];
  for (const inv of input.invocations) {
    if (inv.fn !== fn) continue;
    const run = runOf.get(inv.pid);
    if (run === undefined) {
      violations.push(`${fn}: an invocation of an unknown process ${inv.pid}`);
      continue;
    }
    for (const r of inv.records) (entry(r).started[run] as number) += 1;
    for (const r of completedRecords(inv)) (entry(r).finished[run] as number) += 1;
  }

  const committedAtKill = kills.map(() => 0);
  let redelivered = 0;
  let finishedTwice = 0;
  for (const [key, e] of seen) {
    const total = e.finished.reduce((a, b) => a + b, 0);
    e.finished.forEach((n, run) => {
      if (n > 1) violations.push(`${fn} ${key}: finished ${n} times in run ${run + 1}`);
    });
    kills.forEach((cps, k) => {
      if (!isCommitted(cps, fn, e.shardId, e.seq)) return;
      if (e.finished.slice(0, k + 1).some((n) => n > 0)) committedAtKill[k] = (committedAtKill[k] as number) + 1;
      for (let later = k + 1; later < runs.length; later += 1)
        if ((e.started[later] as number) > 0)
          violations.push(`${fn} ${key}: committed before kill ${k + 1}, delivered again in run ${later + 1}`);
    });
    const first = e.finished.findIndex((n) => n > 0);
    if (first >= 0) {
      const cps = kills[first];
      const settledAtFirst = cps === undefined || isCommitted(cps, fn, e.shardId, e.seq);
      if (settledAtFirst && total !== 1)
        violations.push(`${fn} ${key}: committed after run ${first + 1} finished it, yet finished ${total} times`);
    }
    if (total > 2) violations.push(`${fn} ${key}: finished ${total} times (at most twice)`);
    if (total === 2) finishedTwice += 1;
    if (e.started.filter((n) => n > 0).length > 1) redelivered += 1;
  }

  for (const { shardId, seq } of input.required ?? []) {
    const e = seen.get(`${shardId}:${seq}`);
    const finished = e?.finished ?? runs.map(() => 0);
    if (finished.every((n) => n === 0)) violations.push(`${fn} ${shardId}:${seq}: put, never finished (lost)`);
    kills.forEach((cps, k) => {
      if (isCommitted(cps, fn, shardId, seq) && finished.slice(0, k + 1).every((n) => n === 0))
        violations.push(`${fn} ${shardId}:${seq}: committed at kill ${k + 1} before any invocation finished it`);
    });
  }
  return { violations, committedAtKill, redelivered, finishedTwice, delivered: seen.size };
}
