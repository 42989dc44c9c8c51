/** The real-time connection as a small always-visible badge. */
import { useEffect, useState } from 'react';
import type { Api } from '../data/Api.js';
import type { ConnectionState } from '../data/types.js';

const LABELS: Record<ConnectionState, string> = {
  idle: 'Idle',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

export function ConnectionBadgeView({ state }: { state: ConnectionState }) {
  return (
    <span className={`conn conn-${state}`} role="status" aria-live="polite" title="Real-time connection">
      <span className="dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}

export function ConnectionBadge({ api }: { api: Api }) {
  const [state, setState] = useState<ConnectionState>('idle');
  useEffect(() => api.onConnectionState(setState), [api]);
  return <ConnectionBadgeView state={state} />;
}
