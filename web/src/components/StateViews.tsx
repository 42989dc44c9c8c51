/** Loading, empty and error states, the same on every page. */
import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty" role="status">
      <strong>{title}</strong>
      {children && <div className="state-detail">{children}</div>}
    </div>
  );
}

export function ErrorBox({ error, what, retry }: { error: Error; what: string; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <strong>Could not load {what}.</strong>
      <div className="state-detail">{error.message}</div>
      {retry && (
        <button type="button" className="btn" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
