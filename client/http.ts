/** GraphQL over HTTP to AppSync (`POST /graphql`), with fetch so it runs in browsers and Node alike. */
import { errorMessage } from '../lib/toError.js';
import { NetworkError, toErrorEntries, type GraphQLErrorEntry } from './errors.js';
import { httpAuthHeaders, type ClientAuth } from './auth.js';

/** A GraphQL response, errors kept as sent. */
export interface RawResult {
  data?: unknown;
  errors?: GraphQLErrorEntry[];
}

/** The fetch the SDK uses (globalThis.fetch by default). */
export type FetchLike = (
  input: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

/** Posts one operation; resolves with the response even when it carries GraphQL errors. */
export async function postGraphql(
  fetchImpl: FetchLike,
  graphqlUrl: URL,
  auth: ClientAuth,
  request: {
    query: string;
    variables?: Record<string, unknown> | undefined;
    operationName?: string | null | undefined;
  },
): Promise<RawResult> {
  const body = JSON.stringify({
    query: request.query,
    variables: request.variables ?? {},
    ...(request.operationName ? { operationName: request.operationName } : {}),
  });
  const headers = await httpAuthHeaders(auth, graphqlUrl, body);
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchImpl(graphqlUrl.toString(), { method: 'POST', headers, body });
  } catch (error) {
    throw new NetworkError(`POST ${graphqlUrl.toString()} failed: ${errorMessage(error)}`, undefined, {
      cause: error,
    });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new NetworkError(
      `POST ${graphqlUrl.toString()} answered ${response.status} with a non-JSON body`,
      response.status,
      { cause: error },
    );
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new NetworkError(`unexpected response ${text.slice(0, 200)}`, response.status);
  const record = parsed as Record<string, unknown>;
  const result: RawResult = {};
  if ('data' in record) result.data = record.data;
  if (record.errors !== undefined) result.errors = toErrorEntries(record.errors);
  if (!('data' in record) && !result.errors)
    throw new NetworkError(`unexpected response ${text.slice(0, 200)}`, response.status);
  return result;
}
