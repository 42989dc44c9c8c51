/** Which class the signed-in rider rides. */
import { useState, type FormEvent } from 'react';
import type { RaceClass } from '../data/types.js';
import type { Me } from '../lib/me.js';

export function RideForm(props: {
  classes: readonly RaceClass[];
  me: Me;
  classId: number;
  onStart: (classId: number) => void;
}) {
  const { classes, me, onStart } = props;
  const [classId, setClassId] = useState(props.classId);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onStart(classId);
  };
  return (
    <form className="ride-form panel" onSubmit={submit} noValidate>
      <p className="riding-as" data-testid="riding-as">
        Riding as <strong>{me.name}</strong> <span className="muted">({me.racerId})</span>
      </p>
      <div className="field">
        <label htmlFor="ride-class">Class</label>
        <select id="ride-class" value={classId} onChange={(e) => setClassId(Number(e.target.value))}>
          {classes.map((c) => (
            <option key={c.classId} value={c.classId}>
              {c.name} — {c.description}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="btn primary big">
        Start race
      </button>
    </form>
  );
}
