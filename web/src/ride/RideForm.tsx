/** Who rides and in which class: name and rider id checked by the telemetry rules the API enforces. */
import { useState, type FormEvent } from 'react';
import { isRacerId, TELEMETRY_LIMITS } from '../../../core/telemetry.js';
import type { RaceClass } from '../data/types.js';
import type { Me } from '../lib/me.js';

export interface RideChoice {
  racerId: string;
  name: string;
  classId: number;
}

/** The first problem of each field, or nothing. */
export function validateRider(racerId: string, name: string): { racerId?: string; name?: string } {
  const problems: { racerId?: string; name?: string } = {};
  if (!isRacerId(racerId))
    problems.racerId = `1 to ${TELEMETRY_LIMITS.racerIdMaxLength} letters, digits, "_" or "-" (no spaces)`;
  const n = name.trim();
  if (n.length < 1 || n.length > TELEMETRY_LIMITS.nameMaxLength)
    problems.name = `1 to ${TELEMETRY_LIMITS.nameMaxLength} characters`;
  return problems;
}

function suggestedId(): string {
  return `rider-${Math.random().toString(36).slice(2, 8)}`;
}

export function RideForm(props: {
  classes: readonly RaceClass[];
  me: Me | null;
  classId: number;
  onStart: (c: RideChoice) => void;
}) {
  const { classes, me, onStart } = props;
  const [name, setName] = useState(me?.name ?? '');
  const [racerId, setRacerId] = useState(me?.racerId ?? suggestedId);
  const [classId, setClassId] = useState(props.classId);
  const [touched, setTouched] = useState(false);
  const problems = validateRider(racerId, name);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (problems.racerId || problems.name) return;
    onStart({ racerId, name: name.trim(), classId });
  };
  return (
    <form className="ride-form panel" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="ride-name">Your name</label>
        <input
          id="ride-name"
          value={name}
          maxLength={TELEMETRY_LIMITS.nameMaxLength}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={touched && problems.name !== undefined}
          aria-describedby="ride-name-help"
          autoComplete="nickname"
          placeholder="e.g. Ada"
        />
        <small id="ride-name-help" className={touched && problems.name ? 'invalid' : 'muted'}>
          {touched && problems.name ? `Name: ${problems.name}` : 'Shown in the rankings.'}
        </small>
      </div>
      <div className="field">
        <label htmlFor="ride-id">Rider id</label>
        <input
          id="ride-id"
          value={racerId}
          onChange={(e) => setRacerId(e.target.value)}
          aria-invalid={touched && problems.racerId !== undefined}
          aria-describedby="ride-id-help"
          autoComplete="off"
          spellCheck={false}
        />
        <small id="ride-id-help" className={touched && problems.racerId ? 'invalid' : 'muted'}>
          {touched && problems.racerId
            ? `Rider id: ${problems.racerId}`
            : 'Your results and all-time stats are kept under this id.'}
        </small>
      </div>
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
