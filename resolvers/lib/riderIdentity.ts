/**
 * recordTelemetry's rider: who the user-pool token says the caller is, and
 * their records rewritten to carry that rider's profile name. A rider writes
 * only their own telemetry (racerId = username) and cannot choose the name the
 * boards show: it comes from the pool's `name` attribute, never the input.
 */
import { cleanDisplayName } from '../../core/displayName.js';
import { isRacerId } from '../../core/telemetry.js';

export interface Rider {
  readonly racerId: string;
  /** The ID token's `name` claim, cleaned; null from an access token (it carries no profile) or when nothing usable is left. */
  readonly name: string | null;
}

export type RiderCheck =
  | { readonly ok: true; readonly rider: Rider }
  | { readonly ok: false; readonly message: string };

export type OwnRecords =
  | { readonly ok: true; readonly records: unknown[] }
  | { readonly ok: false; readonly index: number; readonly message: string };

function recordOf(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The rider of a user-pool ctx.identity; anything else (API key, IAM, a username that is no racerId) is refused. */
export function riderOf(identity: unknown): RiderCheck {
  const id = recordOf(identity);
  const claims = id === null ? null : recordOf(id.claims);
  if (id === null || claims === null || typeof id.issuer !== 'string') {
    return { ok: false, message: 'recordTelemetry needs a signed-in rider (a user-pool token)' };
  }
  if (!isRacerId(id.username)) {
    return { ok: false, message: 'the signed-in username is not a valid racerId (^[A-Za-z0-9_-]{1,64}$)' };
  }
  // A profile can be edited past the PreSignUp trigger (AdminUpdateUserAttributes): shown names are cleaned, not trusted.
  const name = cleanDisplayName(claims.name);
  return { ok: true, rider: { racerId: id.username as string, name: name ?? null } };
}

/**
 * The records with the rider's name in place of any given one; the first
 * record of another racerId (lowest index) refuses the whole call.
 */
export function ownRecords(records: readonly unknown[], rider: Rider): OwnRecords {
  const out: unknown[] = [];
  let index = 0;
  for (const value of records) {
    const record = recordOf(value);
    if (record !== null && record.racerId !== rider.racerId) {
      return { ok: false, index, message: `records[${index}].racerId is not the signed-in rider (${rider.racerId})` };
    }
    if (record === null) out.push(value);
    else {
      const named: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        if (key !== 'name') named[key] = record[key];
      }
      if (rider.name !== null) named.name = rider.name;
      out.push(named);
    }
    index = index + 1;
  }
  return { ok: true, records: out };
}
