/**
 * `console` inside resolver code: lines go to the invocation's logs (CloudWatch
 * on AppSync, `logs` in EvaluateCode), never to the host's stdout.
 */
import { currentInvocation, type InvocationHolder } from '../runtime/invocation.js';

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

export function createConsole(holder: InvocationHolder): Record<string, unknown> {
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      currentInvocation(holder).logs.push(`${level} - ${args.map((a) => show(a)).join(' ')}`);
    };
  return { log: at('INFO'), info: at('INFO'), debug: at('DEBUG'), warn: at('WARN'), error: at('ERROR') };
}
