/** The project's schema served by the graphql-js test backend (publishLiveRankings echoes its input). */
import { createGraphqlBackend, projectSchema, type GraphqlBackend } from './graphqlBackend.js';

/** Builds a LiveRankings input of `size` ranked entries. */
export function liveRankingsInput(classId: number, size: number, raceId = 100) {
  return {
    classId,
    raceId,
    updatedAt: '2026-11-23T03:00:00.000Z',
    entries: Array.from({ length: size }, (_, i) => ({
      rank: i + 1,
      racerId: `racer-${String(i + 1).padStart(5, '0')}`,
      name: `Rider ${i + 1}`,
      output: Math.round((size - i) * 10.5 * 100) / 100,
      second: 120,
      flags: [],
    })),
  };
}

export const PUBLISH = `mutation Publish($input: LiveRankingsInput!) {
  publishLiveRankings(input: $input) { classId raceId updatedAt entries { rank racerId name output second flags } }
}`;

export const ON_LIVE_RANKINGS = `subscription OnLive($classId: Int!) {
  onLiveRankings(classId: $classId) { classId raceId updatedAt entries { rank racerId output } }
}`;

/** A backend over schema.graphql whose publishLiveRankings returns its input and liveRankings the latest one. */
export function liveRankingsBackend(): GraphqlBackend {
  const latest = new Map<unknown, unknown>();
  return createGraphqlBackend(
    projectSchema(),
    {
      publishLiveRankings: (args) => {
        const input = args.input as { classId: number };
        latest.set(input.classId, input);
        return { value: input };
      },
    },
    {},
    { liveRankings: (args) => latest.get(args.classId) ?? null },
  );
}
