/** The header's account corner: who is signed in and a way out, or a way in. */
import { Link } from '../lib/Link.js';
import type { RiderAuth } from './riderAuth.js';
import { setRiderSession, useRiderSession } from './riderSession.js';

export function AccountBadge({ auth }: { auth: RiderAuth | null }) {
  const session = useRiderSession();
  if (!auth) return null;
  if (!session) {
    return (
      <Link href="/ride" className="account-badge">
        Sign in
      </Link>
    );
  }
  const signOut = (): void => {
    setRiderSession(null);
    // Revoking is best effort: the page has already forgotten the tokens.
    auth.signOut(session).catch((err: unknown) => console.warn('alleycat: could not revoke the sign-in', err));
  };
  return (
    <span className="account-badge" data-testid="account-badge">
      <Link href={`/racer/${encodeURIComponent(session.racerId)}`} className="account-name">
        {session.name}
      </Link>
      <button type="button" className="btn link" onClick={signOut}>
        Sign out
      </button>
    </span>
  );
}
