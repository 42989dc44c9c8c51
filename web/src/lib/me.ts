/** "Me": the signed-in rider, whose rows the boards highlight. */
import { useMemo } from 'react';
import { useRiderSession } from '../auth/riderSession.js';

export interface Me {
  racerId: string;
  name: string;
}

/** The signed-in rider, or null. */
export function useMe(): Me | null {
  const session = useRiderSession();
  const racerId = session?.racerId;
  const name = session?.name;
  return useMemo(() => (racerId === undefined || name === undefined ? null : { racerId, name }), [racerId, name]);
}
