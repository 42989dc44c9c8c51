/**
 * NONE data source [DOC resolver-reference-none-js]: the request object's
 * `payload` is passed through unchanged as ctx.result.
 */
import type { DataSource } from './types.js';

export function createNoneDataSource(): DataSource {
  return {
    async invoke({ request }) {
      const payload =
        typeof request === 'object' && request !== null ? (request as { payload?: unknown }).payload : undefined;
      return { result: payload === undefined ? null : payload };
    },
  };
}
