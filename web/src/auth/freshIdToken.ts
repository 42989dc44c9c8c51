/**
 * The signed-in rider's ID token for the next request, refreshed first when
 * it expires within the margin (a ride outlives no token, but a tab left open
 * does).
 */
import { AuthError } from './authError.js';
import type { RiderAuth } from './riderAuth.js';
import { readRiderSession, setRiderSession } from './riderSession.js';

const REFRESH_MARGIN_MS = 2 * 60 * 1000;

let refreshing: Promise<string> | null = null;

export async function freshIdToken(auth: RiderAuth, now: () => number = Date.now): Promise<string> {
  const session = readRiderSession();
  if (!session) throw new AuthError('Sign in to ride');
  if (session.expiresAt - now() > REFRESH_MARGIN_MS) return session.idToken;
  // One refresh at a time: concurrent senders share it.
  refreshing ??= auth.refresh(session).then(
    (next) => {
      setRiderSession(next);
      refreshing = null;
      return next.idToken;
    },
    (err: unknown) => {
      refreshing = null;
      if (err instanceof AuthError && err.code === 'NotAuthorizedException') setRiderSession(null);
      throw err;
    },
  );
  return refreshing;
}
