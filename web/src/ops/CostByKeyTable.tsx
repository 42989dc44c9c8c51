/**
 * One of the cost panel's breakdowns: a row per key (an operation's root
 * fields, or a subscription's field and arguments) with its figures.
 */
export type CostRow = { key: string; cells: readonly string[] };

export function CostByKeyTable(props: {
  label: string;
  keyTitle: string;
  titles: readonly string[];
  rows: readonly CostRow[];
  empty: string;
}) {
  const { label, keyTitle, titles, rows, empty } = props;
  return (
    <table className="ops-cost-table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">{keyTitle}</th>
          {titles.map((t) => (
            <th key={t} scope="col" className="num">
              {t}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">
              <code>{r.key}</code>
            </th>
            {r.cells.map((c, i) => (
              <td key={titles[i]} className="num">
                {c}
              </td>
            ))}
          </tr>
        ))}
        {rows.length === 0 && (
          <tr>
            <td colSpan={titles.length + 1} className="muted">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
