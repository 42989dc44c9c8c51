/** The Api over the typed SDK: one typed document per call, nothing else. */
import {
  AllTimeRankingsDocument,
  CurrentRaceDocument,
  RaceClassesDocument,
  RaceDocument,
  RaceResultsDocument,
  RacerDocument,
  RacesDocument,
  RecordTelemetryDocument,
} from '../../../client/generated/operations.js';
import { createClient, followLiveBoard, type AlleycatClient } from '../../../client/index.js';
import type { Api } from './Api.js';

/**
 * Builds the Api. `clientFor(apiKey)` gives an SDK client authorized with a
 * key (the explorer may send a key other than the configured one);
 * `riderClient(idToken)` one authorized as a signed-in rider.
 */
export function sdkApi(
  client: AlleycatClient,
  clientFor: (apiKey: string) => AlleycatClient,
  riderClient: (idToken: string) => AlleycatClient,
): Api {
  const pick = (apiKey: string | undefined): AlleycatClient => (apiKey ? clientFor(apiKey) : client);
  return {
    raceClasses: async () => (await client.query(RaceClassesDocument, {})).raceClasses,
    currentRace: async (classId) => (await client.query(CurrentRaceDocument, { classId })).currentRace,
    race: async (classId, raceId) => (await client.query(RaceDocument, { classId, raceId })).race,
    races: async (classId, limit, nextToken) =>
      (await client.query(RacesDocument, { classId, limit, nextToken })).races,
    raceResults: async (classId, raceId, limit, nextToken, around) =>
      (await client.query(RaceResultsDocument, { classId, raceId, limit, nextToken, around })).raceResults,
    followLiveBoard: (classId, racerId, observer) =>
      followLiveBoard(client, {
        classId,
        racerId,
        onUpdate: (view) => observer.next(view),
        onError: (err) => observer.error(err),
      }),
    allTimeRankings: async (classId, by, limit, nextToken, around) =>
      (await client.query(AllTimeRankingsDocument, { classId, by, limit, nextToken, around })).allTimeRankings,
    racer: async (racerId) => (await client.query(RacerDocument, { racerId })).racer,
    recordTelemetry: async (records, idToken) =>
      (await riderClient(idToken).mutate(RecordTelemetryDocument, { records })).recordTelemetry,
    onConnectionState: (listener) => {
      listener(client.connectionState());
      return client.onConnectionState(listener);
    },
    executeRaw: (query, variables, operationName, apiKey) => pick(apiKey).requestRaw(query, variables, operationName),
    subscribeRaw: (query, variables, observer, apiKey) => pick(apiKey).subscribeRaw(query, variables, observer),
  };
}

/** The Api of the page, from its configuration. */
export function createSdkApi(config: { graphqlUrl: string; realtimeUrl: string; apiKey: string }): Api {
  const clients = new Map<string, AlleycatClient>();
  const clientFor = (apiKey: string): AlleycatClient => {
    let c = clients.get(apiKey);
    if (!c) {
      c = createClient({ graphqlUrl: config.graphqlUrl, realtimeUrl: config.realtimeUrl, auth: { apiKey } });
      clients.set(apiKey, c);
    }
    return c;
  };
  // Queries and mutations go over HTTP only: a client per token opens no socket.
  const riderClient = (idToken: string): AlleycatClient =>
    createClient({ graphqlUrl: config.graphqlUrl, realtimeUrl: config.realtimeUrl, auth: { userPoolToken: idToken } });
  return sdkApi(clientFor(config.apiKey), clientFor, riderClient);
}
