/**
 * The /ops page's cost panel: what the local AppSync runtime metered, priced
 * at AppSync's list prices (the snapshot's `cost` section, contract/opsCost.ts)
 * — the running race so far and over the whole race, the last race, since the
 * stack started, and which operations and subscriptions the money goes to.
 */
import { formatUsd, type CostFigures, type OpsCost } from '../../../contract/opsCost.js';
import { CostByKeyTable } from './CostByKeyTable.js';

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function minutes(n: number): string {
  return n >= 100 ? count(n) : n.toFixed(1);
}

function seconds(s: number): string {
  const whole = Math.round(s);
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

type Column = { title: string; figures: CostFigures | null };

/** One row per billing unit, one column per period. */
function FiguresTable({ columns }: { columns: readonly Column[] }) {
  const rows: Array<[string, (f: CostFigures) => string]> = [
    ['Requests (queries, mutations)', (f) => `${count(f.requests)} · ${formatUsd(f.usd.requests)}`],
    ['Real-time updates', (f) => `${count(f.realtimeUpdates)} · ${formatUsd(f.usd.realtimeUpdates)}`],
    ['  data messages (5 KB units)', (f) => `${count(f.dataMessages)} (${count(f.dataUnits)})`],
    ['  connections, subscriptions', (f) => `${count(f.connections)}, ${count(f.subscriptionStarts)}`],
    ['Connection-minutes', (f) => `${minutes(f.connectionMinutes)} · ${formatUsd(f.usd.connectionMinutes)}`],
    ['Total', (f) => formatUsd(f.usd.total)],
  ];
  return (
    <table className="ops-cost-table" aria-label="AppSync billing units and cost">
      <thead>
        <tr>
          <th scope="col">Unit</th>
          {columns.map((c) => (
            <th key={c.title} scope="col" className="num">
              {c.title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, show]) => (
          <tr key={label}>
            <th scope="row" className={label.startsWith('  ') ? 'ops-cost-sub' : undefined}>
              {label.trim()}
            </th>
            {columns.map((c) => (
              <td key={c.title} className="num">
                {c.figures ? show(c.figures) : '–'}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CostPanel({ cost }: { cost: OpsCost }) {
  const { race, prices, lastRace } = cost;
  const columns: Column[] = [
    { title: 'This race so far', figures: race.soFar },
    { title: 'Whole race (estimate)', figures: race.projected },
    ...(lastRace
      ? [{ title: `Last race${lastRace.complete ? '' : ' (partly counted)'}`, figures: lastRace.figures }]
      : []),
    { title: 'Since start', figures: cost.total },
  ];
  const perRace = race.projected !== null;
  const period = perRace ? 'Whole race' : 'So far';
  return (
    <section className="panel" aria-labelledby="ops-cost">
      <h2 id="ops-cost" className="panel-title">
        AppSync cost at list prices
      </h2>
      <p className="ops-cost-summary" data-testid="ops-cost-summary">
        Race {race.raceId}: {formatUsd(race.soFar.usd.total)} in the {seconds(race.countedSeconds)} counted
        {race.projected
          ? `, about ${formatUsd(race.projected.usd.total)} over the whole ${seconds(race.raceSeconds)} race`
          : `; the whole-race estimate starts after ${race.minimumSeconds} s`}
        .
      </p>
      <p className="muted small">
        Estimate: {race.method}. Prices for {prices.region} read {prices.readOn} from{' '}
        <a href={prices.source} rel="noreferrer" target="_blank">
          {prices.source}
        </a>{' '}
        (${prices.requestsPerMillion} per million requests, ${prices.realtimeUpdatesPerMillion} per million real-time
        updates, ${prices.connectionMinutesPerMillion} per million connection-minutes; a data message is billed per{' '}
        {cost.meteredMessageBytes / 1024} KB); data transfer is not included.
      </p>
      <FiguresTable columns={columns} />
      <div className="ops-cost-keys">
        <CostByKeyTable
          label="Cost by subscription, this race"
          keyTitle="Subscription (field and arguments)"
          titles={['Subscribed', 'Messages', '5 KB units', period]}
          rows={race.subscriptions.map((s) => ({
            key: s.key,
            cells: [count(s.starts), count(s.messages), count(s.units), formatUsd(s.projectedUsd ?? s.usd)],
          }))}
          empty="No subscription traffic this race yet."
        />
        <CostByKeyTable
          label="Cost by operation, this race"
          keyTitle="Operation (root fields)"
          titles={['Requests', period]}
          rows={race.operations.map((o) => ({
            key: o.key,
            cells: [count(o.requests), formatUsd(o.projectedUsd ?? o.usd)],
          }))}
          empty="No requests this race yet."
        />
      </div>
      {(race.omitted.subscriptions > 0 || race.omitted.operations > 0) && (
        <p className="muted small">
          Not listed: {race.omitted.subscriptions} more subscriptions and {race.omitted.operations} more operations,
          each costing less than the last one shown.
        </p>
      )}
    </section>
  );
}
