/**
 * Sends telemetry records in order through recordTelemetry. Records that
 * could not be delivered (network, throttling, refused by Kinesis) stay queued
 * and go with the next send; records the server refuses as invalid are dropped
 * with a visible error, so one bad record never blocks the rest of the ride.
 */
import { useCallback, useRef, useState } from 'react';
import { freshIdToken } from '../auth/freshIdToken.js';
import type { RiderAuth } from '../auth/riderAuth.js';
import type { Api } from '../data/Api.js';
import { isPermanent } from '../data/errors.js';
import type { TelemetryInput } from '../data/types.js';
import { toError } from '../../../lib/toError.js';

export interface SenderStatus {
  accepted: number;
  pending: number;
  error: string | null;
}

const MAX_BATCH = 500;

export function useTelemetrySender(api: Api, auth: RiderAuth) {
  const queue = useRef<TelemetryInput[]>([]);
  const inFlight = useRef(false);
  const [status, setStatus] = useState<SenderStatus>({ accepted: 0, pending: 0, error: null });

  const flush = useCallback((): void => {
    if (inFlight.current || queue.current.length === 0) return;
    const batch = queue.current.splice(0, MAX_BATCH);
    inFlight.current = true;
    freshIdToken(auth)
      .then((idToken) => api.recordTelemetry(batch, idToken))
      .then(
        (receipt) => {
          const retry = receipt.records
            .filter((r) => r.errorCode)
            .map((r) => batch[r.index])
            .filter((r) => r !== undefined);
          queue.current.unshift(...retry);
          setStatus((s) => ({
            accepted: s.accepted + receipt.accepted,
            pending: queue.current.length,
            error: retry.length > 0 ? `${retry.length} record(s) throttled, retrying` : null,
          }));
        },
        (err: unknown) => {
          const e = toError(err);
          if (!isPermanent(err)) queue.current.unshift(...batch);
          setStatus((s) => ({
            ...s,
            pending: queue.current.length,
            error: isPermanent(err) ? `Refused: ${e.message}` : `Not sent yet (${e.message}), retrying`,
          }));
        },
      )
      .finally(() => {
        inFlight.current = false;
      });
  }, [api, auth]);

  const send = useCallback(
    (record: TelemetryInput): void => {
      queue.current.push(record);
      setStatus((s) => ({ ...s, pending: queue.current.length }));
      flush();
    },
    [flush],
  );

  /** True when nothing is queued or on its way. */
  const idle = useCallback((): boolean => !inFlight.current && queue.current.length === 0, []);

  return { send, flush, idle, status };
}
