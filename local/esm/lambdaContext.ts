/** The context object Lambda's Node.js runtime passes to a handler, for in-process invocations. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface FunctionIdentity {
  functionName: string;
  region: string;
  accountId: string;
  memoryMb: number;
  /** Function timeout; getRemainingTimeInMillis() counts down from it. */
  timeoutMs: number;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` */
export function functionArn(f: Pick<FunctionIdentity, 'functionName' | 'region' | 'accountId'>): string {
  return `arn:aws:lambda:${f.region}:${f.accountId}:function:${f.functionName}`;
}

/** A fresh context for one invocation. */
export function lambdaContext(f: FunctionIdentity, now: () => number = Date.now): Context {
  const deadline = now() + f.timeoutMs;
  const day = new Date(now()).toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = (what: string) => (): void => {
    throw new Error(`context.${what}() belongs to the callback-style runtime; return a promise instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: f.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(f),
    memoryLimitInMB: String(f.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${f.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
