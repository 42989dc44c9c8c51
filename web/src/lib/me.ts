/** "Me": the rider this browser rides as, remembered across visits. */
import { useEffect, useState } from 'react';

export interface Me {
  racerId: string;
  name: string;
}

const KEY = 'alleycat.me';
const listeners = new Set<(me: Me | null) => void>();

function read(): Me | null {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return null;
    const v: unknown = JSON.parse(raw);
    if (
      typeof v === 'object' &&
      v !== null &&
      typeof (v as Me).racerId === 'string' &&
      typeof (v as Me).name === 'string'
    ) {
      return { racerId: (v as Me).racerId, name: (v as Me).name };
    }
    return null;
  } catch (err) {
    // Storage disabled or a corrupt value: the page works without a remembered rider.
    console.warn('alleycat: could not read the remembered rider', err);
    return null;
  }
}

/** Remembers (or forgets, with null) the rider of this browser. */
export function setMe(me: Me | null): void {
  try {
    if (me) window.localStorage.setItem(KEY, JSON.stringify(me));
    else window.localStorage.removeItem(KEY);
  } catch (err) {
    console.warn('alleycat: could not remember the rider', err);
  }
  for (const l of listeners) l(me);
}

/** The remembered rider, live across components. */
export function useMe(): Me | null {
  const [me, setState] = useState<Me | null>(() => (typeof window === 'undefined' ? null : read()));
  useEffect(() => {
    listeners.add(setState);
    return () => {
      listeners.delete(setState);
    };
  }, []);
  return me;
}
