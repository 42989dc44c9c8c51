/** The `runtime` global [DOC runtime-utils-js]: earlyReturn(obj?, {skipTo?: 'END'|'NEXT'}). */
import { EarlyReturnSignal } from '../runtime/invocation.js';

export function createRuntimeGlobal(): Record<string, unknown> {
  return {
    earlyReturn(obj?: unknown, options?: { skipTo?: unknown }): never {
      const skipTo = options?.skipTo === 'NEXT' ? 'NEXT' : options?.skipTo === 'END' ? 'END' : null;
      throw new EarlyReturnSignal(obj === undefined ? null : obj, skipTo);
    },
  };
}
