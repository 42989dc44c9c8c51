/**
 * A small chat-like schema exercising every subscription semantic: nullable
 * arguments, non-null fields a mutation may not select, enhanced filters and
 * invalidation set by subscription resolvers, field auth directives.
 */
import { appSyncSchema, createGraphqlBackend, type GraphqlBackend } from './graphqlBackend.js';
import type { SubscriptionResolverResult } from '../../../local/appsync/realtime/index.js';

const SDL = `
schema { query: Query mutation: Mutation subscription: Subscription }
type Query { hello: String }
input MetaInput { level: Int region: String }
type Meta { level: Int region: String }
type Message @aws_api_key @aws_iam {
  id: ID!
  roomId: ID
  author: String
  body: String!
  tags: [String!]
  priority: Int
  meta: Meta
  "Readable with IAM only."
  secret: String @aws_iam
}
type Member { roomId: ID! userId: ID! }
type Mutation {
  createMessage(id: ID!, roomId: ID, author: String, body: String!, tags: [String!], priority: Int, meta: MetaInput, secret: String): Message
  removeMember(roomId: ID!, userId: ID!): Member
}
type Subscription {
  onMessage(roomId: ID, author: String): Message @aws_subscribe(mutations: ["createMessage"]) @aws_api_key @aws_iam
  onFiltered(roomId: ID): Message @aws_subscribe(mutations: ["createMessage"]) @aws_api_key
  onIamOnly: Message @aws_subscribe(mutations: ["createMessage"]) @aws_iam
  onDefaultMode: Message @aws_subscribe(mutations: ["createMessage"])
}
`;

/** Filters the test sets per subscription, keyed by the `x-test-filter` header of the start's authorization. */
export type FilterChoice = (
  args: Record<string, unknown>,
  headers: Record<string, string>,
) => SubscriptionResolverResult;

/** The backend; `onFiltered`'s resolver returns whatever `filterFor` says. */
export function messageBackend(filterFor: FilterChoice): GraphqlBackend {
  return createGraphqlBackend(
    appSyncSchema(SDL),
    {
      createMessage: (args) => ({ value: args }),
      removeMember: (args) => ({
        value: args,
        // The mutation's response handler: extensions.invalidateSubscriptions(...)
        invalidations: [{ subscriptionField: 'onFiltered', payload: { roomId: args.roomId, userId: args.userId } }],
      }),
    },
    { onFiltered: (args, _identity, headers) => filterFor(args, headers) },
  );
}

export const CREATE = `mutation Create($id: ID!, $roomId: ID, $author: String, $body: String!, $tags: [String!], $priority: Int, $meta: MetaInput) {
  createMessage(id: $id, roomId: $roomId, author: $author, body: $body, tags: $tags, priority: $priority, meta: $meta) {
    id roomId author body tags priority meta { level region }
  }
}`;
