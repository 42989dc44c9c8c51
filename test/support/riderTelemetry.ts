/**
 * recordTelemetry as riders send it on the local stack: each rider signed up
 * in the riders' pool (profile name = the name of their first record) and
 * calling with their own ID token, since the API takes only a rider's own records.
 */
import type { TelemetryInput } from '../../client/generated/operations.js';
import { RecordTelemetryDocument } from '../../client/generated/operations.js';
import { createClient, type AlleycatClient } from '../../client/index.js';
import { riderAccounts } from '../../local/simulator/riderAccounts.js';
import type { Endpoints } from '../../local/stack/endpointsFile.js';

export interface RiderTelemetry {
  /** recordTelemetry's variables, sent as one call per rider (in parallel); the answer has the receipts summed. */
  send(variables: {
    records: readonly TelemetryInput[];
  }): Promise<{ recordTelemetry: { accepted: number; failed: number } }>;
  /** A client signed in as this rider. */
  clientOf(racerId: string, name?: string | null): AlleycatClient;
  close(): void;
}

export function riderTelemetry(endpoints: Endpoints): RiderTelemetry {
  const accounts = riderAccounts(endpoints.cognito, { ...endpoints.credentials });
  const clients = new Map<string, AlleycatClient>();
  function clientOf(racerId: string, name: string | null = null): AlleycatClient {
    let client = clients.get(racerId);
    if (!client) {
      client = createClient({
        graphqlUrl: endpoints.graphqlUrl,
        auth: { userPoolToken: () => accounts.idToken(racerId, name) },
      });
      clients.set(racerId, client);
    }
    return client;
  }
  return {
    clientOf,
    async send({ records }) {
      const byRider = new Map<string, TelemetryInput[]>();
      for (const r of records) byRider.set(r.racerId, [...(byRider.get(r.racerId) ?? []), r]);
      const receipts = await Promise.all(
        [...byRider].map(async ([racerId, own]) => {
          const client = clientOf(racerId, own[0]?.name ?? null);
          return (await client.mutate(RecordTelemetryDocument, { records: own })).recordTelemetry;
        }),
      );
      return {
        recordTelemetry: {
          accepted: receipts.reduce((n, r) => n + r.accepted, 0),
          failed: receipts.reduce((n, r) => n + r.failed, 0),
        },
      };
    },
    close() {
      for (const c of clients.values()) c.close();
      accounts.destroy();
    },
  };
}
