import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE, messageBackend } from './support/messageBackend.js';
import { realtimeAuthHeaders } from '../../client/auth.js';
import { LOCAL_REGION } from '../../local/credentials.js';
import { TEST_IAM_CREDENTIALS } from '../support/testCredentials.js';
import {
  connectWithApiKey,
  startMessage,
  subscribe,
  startRealtime,
  type RealtimeFixture,
} from './support/realtimeFixture.js';

const ON_MESSAGE =
  'subscription S($roomId: ID, $author: String) { onMessage(roomId: $roomId, author: $author) { id author body } }';

describe('what a subscriber receives: the mutation selection set intersected with its own, filtered by arguments', () => {
  const backend = messageBackend(() => ({}));
  let fixture: RealtimeFixture;
  beforeAll(async () => {
    fixture = await startRealtime(backend);
  });
  afterAll(async () => fixture.close());

  it('returns only the fields the subscription selected', async () => {
    const socket = await connectWithApiKey(fixture);
    await subscribe(socket, fixture, 's', 'subscription { onMessage { author tags } }');
    await backend.mutate(CREATE, { id: 'm1', roomId: 'r1', author: 'ana', body: 'hi', tags: ['a'], priority: 2 });
    expect((await socket.nextOf('data', 's')).payload).toEqual({ data: { onMessage: { author: 'ana', tags: ['a'] } } });
    socket.close();
  });

  it('gives null for fields the mutation did not select, and an error for such non-null fields', async () => {
    const socket = await connectWithApiKey(fixture);
    await subscribe(socket, fixture, 'nullable', 'subscription { onMessage { id priority } }');
    await subscribe(socket, fixture, 'non-null', 'subscription { onMessage { id body } }');
    // The mutation selects id and author only.
    await backend.mutate(
      'mutation { createMessage(id: "m2", body: "secret", priority: 5, author: "bo") { id author } }',
    );
    expect((await socket.nextOf('data', 'nullable')).payload).toEqual({
      data: { onMessage: { id: 'm2', priority: null } },
    });
    const nonNull = await socket.nextOf('data', 'non-null');
    expect(nonNull.payload).toMatchObject({
      data: { onMessage: null },
      errors: [{ message: 'Cannot return null for non-nullable field Message.body.', path: ['onMessage', 'body'] }],
    });
    socket.close();
  });

  it('keeps aliases and __typename of the subscription document', async () => {
    const socket = await connectWithApiKey(fixture);
    await subscribe(socket, fixture, 'alias', 'subscription { msg: onMessage { __typename who: author } }');
    await backend.mutate(CREATE, { id: 'm3', author: 'cy', body: 'x' });
    expect((await socket.nextOf('data', 'alias')).payload).toEqual({
      data: { msg: { __typename: 'Message', who: 'cy' } },
    });
    socket.close();
  });

  it('filters by every supplied argument; omitted arguments do not filter', async () => {
    const socket = await connectWithApiKey(fixture);
    await subscribe(socket, fixture, 'room1', ON_MESSAGE, { roomId: 'r1' });
    await subscribe(socket, fixture, 'room1-ana', ON_MESSAGE, { roomId: 'r1', author: 'ana' });
    await subscribe(socket, fixture, 'all', ON_MESSAGE, {});
    await backend.mutate(CREATE, { id: 'a', roomId: 'r1', author: 'bo', body: '1' });
    await backend.mutate(CREATE, { id: 'b', roomId: 'r2', author: 'ana', body: '2' });
    await backend.mutate(CREATE, { id: 'c', roomId: 'r1', author: 'ana', body: '3' });
    await socket.next(() => socket.ofType('data').length >= 6);
    const ids = (sub: string) =>
      socket.messages
        .filter((m) => m.type === 'data' && m.id === sub)
        .map((m) => (m.payload as { data: { onMessage: { id: string } } }).data.onMessage.id);
    expect(ids('room1')).toEqual(['a', 'c']);
    expect(ids('room1-ana')).toEqual(['c']);
    expect(ids('all')).toEqual(['a', 'b', 'c']);
    socket.close();
  });

  it('treats a null argument as a real filter: only events whose field is null match', async () => {
    const socket = await connectWithApiKey(fixture);
    await subscribe(socket, fixture, 'no-room', ON_MESSAGE, { roomId: null });
    await subscribe(socket, fixture, 'literal-null', 'subscription { onMessage(roomId: null) { id } }');
    await backend.mutate(CREATE, { id: 'with-room', roomId: 'r9', body: '1' });
    await backend.mutate(CREATE, { id: 'roomless', body: '2' });
    await socket.next(() => socket.ofType('data').length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(
      socket
        .ofType('data')
        .map((m) => [m.id, (m.payload as { data: { onMessage: { id: string } } }).data.onMessage.id]),
    ).toEqual([
      ['no-room', 'roomless'],
      ['literal-null', 'roomless'],
    ]);
    socket.close();
  });

  it("applies field auth directives to the subscriber's own auth mode", async () => {
    const socket = await connectWithApiKey(fixture);
    await subscribe(socket, fixture, 'secret', 'subscription { onMessage { id secret } }');
    await backend.mutate('mutation { createMessage(id: "s1", body: "x", secret: "iam eyes only") { id secret } }');
    expect((await socket.nextOf('data', 'secret')).payload).toEqual({
      data: { onMessage: { id: 's1', secret: null } },
      errors: [
        {
          path: ['onMessage', 'secret'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 1, column: 31, sourceName: null }],
          message: 'Not Authorized to access secret on type Message',
        },
      ],
    });
    socket.close();
  });

  it('refuses an auth mode the subscription field does not allow', async () => {
    const socket = await connectWithApiKey(fixture);
    socket.send(startMessage(fixture, 'iam-only', 'subscription { onIamOnly { id } }'));
    expect((await socket.nextOf('error', 'iam-only')).payload).toEqual({
      errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onIamOnly on type Subscription' }],
    });
    // No auth directive: the API default mode (API key) applies.
    await subscribe(socket, fixture, 'default-mode', 'subscription { onDefaultMode { id } }');
    socket.close();
  });

  it('authorizes each start on its own: an IAM start (signed over /graphql with the data string) on an API-key connection', async () => {
    const socket = await connectWithApiKey(fixture);
    const graphqlUrl = new URL(`http://${fixture.host}/graphql`);
    const iam = { iam: { credentials: TEST_IAM_CREDENTIALS, region: LOCAL_REGION } };
    const data = JSON.stringify({ query: 'subscription { onIamOnly { id secret } }', variables: {} });
    socket.send({
      id: 'iam',
      type: 'start',
      payload: { data, extensions: { authorization: await realtimeAuthHeaders(iam, graphqlUrl, data, false) } },
    });
    expect(await socket.nextOf('start_ack', 'iam')).toEqual({ type: 'start_ack', id: 'iam' });

    // A signature over other bytes (here: the connect request) is refused.
    const other = JSON.stringify({ query: 'subscription { onIamOnly { id } }', variables: {} });
    socket.send({
      id: 'bad-sig',
      type: 'start',
      payload: { data: other, extensions: { authorization: await realtimeAuthHeaders(iam, graphqlUrl, '{}', true) } },
    });
    expect((await socket.nextOf('error', 'bad-sig')).payload).toMatchObject({
      errors: [{ errorType: 'UnauthorizedException' }],
    });

    await backend.mutate('mutation { createMessage(id: "i1", body: "x", secret: "for iam") { id secret } }');
    // The IAM subscriber may read the @aws_iam field.
    expect((await socket.nextOf('data', 'iam')).payload).toEqual({
      data: { onIamOnly: { id: 'i1', secret: 'for iam' } },
    });
    socket.close();
  });
});
