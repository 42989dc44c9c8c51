/**
 * "Find me" and "jump to a rider" on a ranking page: the page then starts at
 * that rider (the API's `around`) and pages both ways from there.
 */
import { useState } from 'react';
import type { Me } from '../lib/me.js';

export function FindRider({
  around,
  me,
  onFind,
}: {
  /** The rider the page starts at now (null: the top). */
  around: string | null;
  me: Me | null;
  /** Start the page at this rider, or at the top (null). */
  onFind: (racerId: string | null) => void;
}) {
  const [value, setValue] = useState(around ?? '');
  return (
    <form
      className="follow find"
      aria-label="Find a rider"
      onSubmit={(e) => {
        e.preventDefault();
        const id = value.trim();
        onFind(id.length > 0 ? id : null);
      }}
    >
      <label htmlFor="find-id">Jump to a rider</label>
      <input
        id="find-id"
        placeholder="rider id"
        autoComplete="off"
        spellCheck={false}
        maxLength={64}
        pattern="[A-Za-z0-9_\-]{1,64}"
        title="A rider id: letters, digits, _ and -"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="btn small">
        Jump
      </button>
      {me && around !== me.racerId && (
        <button
          type="button"
          className="btn small primary"
          onClick={() => {
            setValue(me.racerId);
            onFind(me.racerId);
          }}
        >
          Find me
        </button>
      )}
      {around && (
        <button
          type="button"
          className="btn small"
          onClick={() => {
            setValue('');
            onFind(null);
          }}
        >
          Back to the top
        </button>
      )}
    </form>
  );
}
