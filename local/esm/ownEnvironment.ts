/**
 * Each function runs with its own environment, as each Lambda function has
 * its own: the functions of the local stack share one process, so their
 * variables (the execution role's keys above all) are kept per invocation in
 * an AsyncLocalStorage, and `process.env` reads them first while a
 * function's invocation (and whatever it started) runs. Outside any
 * invocation `process.env` is the process's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LambdaHandler } from './eventSourceMapping.js';

type Env = Readonly<Record<string, string>>;

const current = new AsyncLocalStorage<Env>();
let installed = false;

function own(key: string | symbol): string | undefined {
  const env = current.getStore();
  return typeof key === 'string' && env !== undefined && Object.hasOwn(env, key) ? env[key] : undefined;
}

function install(): void {
  if (installed) return;
  installed = true;
  const base = process.env;
  process.env = new Proxy(base, {
    get: (target, key) => own(key) ?? Reflect.get(target, key),
    // Writes go to the process's own environment, whose setter takes only plain assignments.
    set: (target, key, value) => Reflect.set(target, key, value),
    has: (target, key) => own(key) !== undefined || Reflect.has(target, key),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...Object.keys(current.getStore() ?? {})])],
    getOwnPropertyDescriptor: (target, key) => {
      const value = own(key);
      return value === undefined
        ? Reflect.getOwnPropertyDescriptor(target, key)
        : { value, writable: true, enumerable: true, configurable: true };
    },
  });
}

/** The handler, run with `env` over the process's environment. */
export function withOwnEnvironment(env: Env, handler: LambdaHandler): LambdaHandler {
  install();
  return (event, context) => current.run(env, () => handler(event, context));
}
