/** Picks a race class: a row of buttons on wide screens, a select on phones. */
import type { RaceClass } from '../data/types.js';

export function ClassPicker(props: {
  classes: readonly RaceClass[];
  value: number;
  onChange: (classId: number) => void;
  label?: string;
}) {
  const { classes, value, onChange, label = 'Race class' } = props;
  return (
    <div className="class-picker">
      <div className="class-buttons" role="group" aria-label={label}>
        {classes.map((c) => (
          <button
            key={c.classId}
            type="button"
            className={`chip${c.classId === value ? ' active' : ''}`}
            aria-pressed={c.classId === value}
            onClick={() => onChange(c.classId)}
            title={c.description}
          >
            {c.name}
          </button>
        ))}
      </div>
      <label className="class-select">
        <span className="sr-only">{label}</span>
        <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
          {classes.map((c) => (
            <option key={c.classId} value={c.classId}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
