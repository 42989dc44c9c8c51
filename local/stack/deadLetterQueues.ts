/**
 * The local stand-ins of the functions' OnFailure queues (SQS queues in the
 * CDK stack): their names, and the ARNs the roles read from the template name
 * them by, so the pollers' SendMessage is checked against the same statement.
 */
import type { FunctionName } from './functionEnv.js';

export function deadLetterQueueName(name: FunctionName): string {
  return `${name}-dead-letters`;
}

export function deadLetterQueueArn(name: FunctionName, scope: { region: string; accountId: string }): string {
  return `arn:aws:sqs:${scope.region}:${scope.accountId}:${deadLetterQueueName(name)}`;
}
