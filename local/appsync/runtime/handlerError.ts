/**
 * Classifies what a handler threw: util.error / util.unauthorized,
 * runtime.earlyReturn, a timeout, or an unhandled JavaScript error (which
 * EvaluateCode reports as `<file>:<line>:<col>: <message>` [EVAL helper note]).
 */
import { EarlyReturnSignal, UtilErrorSignal } from './invocation.js';
import { ResolverTimeoutError } from './sandbox.js';

export type HandlerFailure =
  | { kind: 'utilError'; signal: UtilErrorSignal }
  | { kind: 'earlyReturn'; signal: EarlyReturnSignal }
  | { kind: 'timeout'; message: string }
  | { kind: 'code'; message: string; line: number | null; column: number | null };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Location of the first stack frame in `file`. */
export function locateInStack(stack: string, file: string): { line: number; column: number } | null {
  const m = new RegExp(`${escapeRegExp(file)}:(\\d+):(\\d+)`).exec(stack);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
}

export function classifyThrown(
  thrown: unknown,
  file: string,
  originalColumn: (line: number, column: number) => number = (_l, c) => c,
): HandlerFailure {
  if (thrown instanceof UtilErrorSignal) return { kind: 'utilError', signal: thrown };
  if (thrown instanceof EarlyReturnSignal) return { kind: 'earlyReturn', signal: thrown };
  if (thrown instanceof ResolverTimeoutError) return { kind: 'timeout', message: thrown.message };
  const message =
    typeof thrown === 'object' && thrown !== null && typeof (thrown as { message?: unknown }).message === 'string'
      ? (thrown as { message: string }).message
      : String(thrown);
  const stack =
    typeof thrown === 'object' && thrown !== null ? String((thrown as { stack?: unknown }).stack ?? '') : '';
  const found = locateInStack(stack, file);
  const at = found ? { line: found.line, column: originalColumn(found.line, found.column) } : null;
  return {
    kind: 'code',
    message: at ? `${file}:${at.line}:${at.column}: ${message}` : message,
    line: at?.line ?? null,
    column: at?.column ?? null,
  };
}
