/**
 * Per-record freshness for the ingest benchmark: how long after a record's
 * PutRecords started a subscriber first received a live ranking that shows
 * it — the rider's entry at that second or later.
 *
 * Each (rider, second) is one record. A message moves a rider forward from
 * the newest second already seen to the entry's second; every second passed
 * over gets one sample, receipt time minus the time the PutRecords carrying
 * that rider's record of that second started (riders send in groups, each at
 * its own moment of the second: `groupOf`; one group when all send at once). Messages that show nothing new (a second publish of the same
 * window, a stale snapshot) add no samples, so neither duplicates nor
 * message counts weigh on the figure; a rider's records a window waits for
 * count with their wait, which is what "p95 ≤ window + 1 s" budgets for.
 *
 * A record never shown is not a sample but a loss: `percentileOfAll` ranks
 * every record put, the ones never shown as +∞, so losing records can only
 * make the figure worse; `missed` counts them.
 */

/** The entries of one live-rankings message that matter here. */
export interface SeenEntry {
  racerId: string;
  second: number;
}

export class RecordFreshness {
  private readonly seen = new Map<string, number>();
  /** Per group, per second: when that PutRecords started. */
  private readonly putStartedAt: number[][] = [];
  private samples: Float64Array;
  private count = 0;
  /** Seconds seen in a message before their put was reported (none expected; counted, not sampled). */
  unknownPutSeconds = 0;

  /**
   * `groupOf` names the group a rider of a class sends with (default: all
   * riders in group 0).
   */
  constructor(
    expectedRecords = 1024,
    private readonly groupOf: (classId: number, racerId: string) => number = () => 0,
  ) {
    this.samples = new Float64Array(Math.max(16, expectedRecords));
  }

  /** Records when the PutRecords of `group`'s records of `second` started (epoch ms). */
  putStarted(second: number, at: number, group = 0): void {
    (this.putStartedAt[group] ??= [])[second] = at;
  }

  /** When the first PutRecords of `second` (its group 0) started (undefined: not reported). */
  putStartOf(second: number): number | undefined {
    return this.putStartedAt[0]?.[second];
  }

  /** Takes one received message of class `classId` at `receivedAt` (epoch ms). */
  received(classId: number, entries: Iterable<SeenEntry>, receivedAt: number): void {
    for (const e of entries) {
      const key = `${classId}|${e.racerId}`;
      const from = (this.seen.get(key) ?? -1) + 1;
      if (e.second < from) continue;
      this.seen.set(key, e.second);
      const puts = this.putStartedAt[this.groupOf(classId, e.racerId)] ?? [];
      for (let s = from; s <= e.second; s += 1) {
        const put = puts[s];
        if (put === undefined) this.unknownPutSeconds += 1;
        else this.push(receivedAt - put);
      }
    }
  }

  /** Records sampled so far. */
  get size(): number {
    return this.count;
  }

  /**
   * Records of `put` never shown to a subscriber (those seen before their put
   * was reported were shown: not missed).
   */
  missed(put: number): number {
    return Math.max(0, put - this.count - this.unknownPutSeconds);
  }

  /**
   * The p-th percentile (nearest rank) over all `put` records, those without
   * a sample (never shown, or shown undated) ranked as +∞: Infinity when the
   * rank falls on one of them.
   */
  percentileOfAll(p: number, put: number): number {
    const total = Math.max(put, this.count);
    const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
    if (rank > this.count) return Infinity;
    return this.sorted()[rank - 1] as number;
  }

  /** The p-th percentile (nearest rank) of the samples; throws when there are none. */
  percentile(p: number): number {
    if (this.count === 0) throw new RangeError('no record reached a subscriber');
    const sorted = this.sorted();
    const rank = Math.ceil((p / 100) * this.count);
    return sorted[Math.min(this.count - 1, Math.max(0, rank - 1))] as number;
  }

  private sorted(): Float64Array {
    return this.samples.slice(0, this.count).sort();
  }

  private push(value: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count] = value;
    this.count += 1;
  }
}
