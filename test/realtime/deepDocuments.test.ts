import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveRankingsBackend, ON_LIVE_RANKINGS } from './support/liveRankingsBackend.js';
import {
  connectWithApiKey,
  startMessage,
  startRealtime,
  subscribe,
  type RealtimeFixture,
} from './support/realtimeFixture.js';

describe('subscription documents built to exhaust the parser', () => {
  let fixture: RealtimeFixture;
  beforeAll(async () => {
    fixture = await startRealtime(liveRankingsBackend());
  });
  afterAll(async () => fixture.close());

  it.each([5_000, 10_000, 15_000])(
    'a start nested %i deep gets a ValidationError; the socket stays usable',
    async (depth) => {
      const socket = await connectWithApiKey(fixture);
      const deep = `subscription { onLiveRankings(classId: 1) ${'{ classId '.repeat(depth)}${'}'.repeat(depth)} }`;
      socket.send(startMessage(fixture, 'deep', deep));
      expect(await socket.nextOf('error', 'deep')).toEqual({
        type: 'error',
        id: 'deep',
        payload: {
          errors: [
            { errorType: 'ValidationError', message: 'Syntax Error: the document nests deeper than 500 levels.' },
          ],
        },
      });
      await subscribe(socket, fixture, 'fine', ON_LIVE_RANKINGS, { classId: 1 });
      socket.close();
    },
  );
});
