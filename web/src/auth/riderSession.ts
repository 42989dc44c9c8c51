/**
 * The signed-in rider of this browser: their tokens, kept across visits (as
 * AWS's own web clients keep them, in local storage) and shared live by every
 * component.
 */
import { useEffect, useState } from 'react';

export interface RiderSession {
  /** The user pool username, which is the rider's racerId. */
  racerId: string;
  /** The `name` attribute of the rider's profile. */
  name: string;
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the ID and access tokens expire. */
  expiresAt: number;
}

const KEY = 'alleycat.rider';
const listeners = new Set<(session: RiderSession | null) => void>();

function isSession(v: unknown): v is RiderSession {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    ['racerId', 'name', 'idToken', 'accessToken', 'refreshToken'].every((k) => typeof s[k] === 'string') &&
    typeof s.expiresAt === 'number'
  );
}

/** The stored session, or null. */
export function readRiderSession(): RiderSession | null {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return null;
    const v: unknown = JSON.parse(raw);
    return isSession(v) ? v : null;
  } catch (err) {
    // Storage disabled or a corrupt value: the rider signs in again.
    console.warn('alleycat: could not read the stored sign-in', err);
    return null;
  }
}

/** Stores (or, with null, forgets) the session and tells every component. */
export function setRiderSession(session: RiderSession | null): void {
  try {
    if (session) window.localStorage.setItem(KEY, JSON.stringify(session));
    else window.localStorage.removeItem(KEY);
  } catch (err) {
    console.warn('alleycat: could not store the sign-in', err);
  }
  for (const l of listeners) l(session);
}

/** The signed-in rider, live across components. */
export function useRiderSession(): RiderSession | null {
  const [session, setState] = useState<RiderSession | null>(() =>
    typeof window === 'undefined' ? null : readRiderSession(),
  );
  useEffect(() => {
    listeners.add(setState);
    return () => {
      listeners.delete(setState);
    };
  }, []);
  return session;
}
