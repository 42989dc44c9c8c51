/**
 * Explorer: GraphiQL against the endpoint, the local twin of AppSync's console
 * query editor. Queries and mutations go through the SDK over HTTP;
 * subscriptions through the SDK's real-time transport (AppSync's WebSocket
 * protocol). The x-api-key header is filled in; editing it changes the key
 * the requests carry. Loaded lazily: GraphiQL and Monaco stay out of the
 * main bundle.
 */
import { useMemo } from 'react';
import { GraphiQL } from 'graphiql';
import type { Fetcher } from '@graphiql/toolkit';
import { getOperationAST, parse } from 'graphql';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import type { RawResult } from '../data/Api.js';
import { useApp } from '../data/ApiContext.js';
import { observerToAsyncIterable } from '../lib/observerToAsyncIterable.js';
import { singleOperation } from '../lib/singleOperation.js';
import { useTitle } from '../lib/useTitle.js';

const DEFAULT_QUERY = `# Alleycat explorer: queries, mutations and subscriptions against the local AppSync endpoint.
# Press the run button (or Ctrl-Enter).

query Classes {
  raceClasses { classId name description }
}

query Live($classId: Int! = 1) {
  liveRankings(classId: $classId) { raceId updatedAt entries { rank racerId name output second } }
}

subscription OnLive($classId: Int! = 1) {
  onLiveRankings(classId: $classId) { raceId updatedAt entries { rank racerId name output } }
}
`;

function isSubscription(query: string, operationName: string | null | undefined): boolean {
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === 'subscription';
  } catch (err) {
    // Unparseable text goes to the server, which answers with its own syntax error.
    console.debug('explorer: not parseable locally', err);
    return false;
  }
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name && typeof v === 'string') return v;
  return undefined;
}

export default function ExplorerPage() {
  useTitle('GraphQL explorer');
  const { api, config } = useApp();
  const fetcher = useMemo<Fetcher>(
    () => (params, opts) => {
      const variables = (params.variables ?? undefined) as Record<string, unknown> | undefined;
      const apiKey = headerValue(opts?.headers, 'x-api-key');
      // GraphiQL only displays what comes back: the server's JSON as it is (RawResult), so the casts below are shape-preserving.
      if (isSubscription(params.query, params.operationName)) {
        return observerToAsyncIterable<RawResult>((observer) =>
          api.subscribeRaw(
            singleOperation(params.query, params.operationName),
            variables,
            { next: observer.next, error: observer.error },
            apiKey,
          ),
        ) as unknown as ReturnType<Fetcher>;
      }
      return api.executeRaw(params.query, variables, params.operationName, apiKey) as ReturnType<Fetcher>;
    },
    [api],
  );
  return (
    <section className="explorer" aria-label="GraphQL explorer">
      <GraphiQL
        fetcher={fetcher}
        defaultQuery={DEFAULT_QUERY}
        initialHeaders={JSON.stringify({ 'x-api-key': config.apiKey }, null, 2)}
        defaultEditorToolsVisibility="headers"
        forcedTheme="dark"
      />
    </section>
  );
}
