/**
 * One stream consumer: a Node.js function bundled with esbuild from
 * functions/<name>/handler.ts, its own role (logs of its own log group only;
 * callers add exactly the table actions it needs), its log group and the SQS
 * queue that receives the metadata of batches its event source gives up on.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MissingFunctionSourceError } from '../errors.js';
import { functionEntry, REPO_ROOT } from '../paths.js';
import { acknowledgeFunctionBuild, functionBuild } from './functionBuild.js';
import { retentionDays } from '../retention.js';
import { FUNCTIONS, MONITORING } from '../settings.js';

export type FunctionName = keyof typeof FUNCTIONS.memorySize;

export interface StreamFunctionProps {
  readonly name: FunctionName;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
}

export class StreamFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: StreamFunctionProps) {
    super(scope, id);
    const entry = functionEntry(props.name);
    if (!existsSync(entry)) throw new MissingFunctionSourceError(path.relative(REPO_ROOT, entry));

    const logGroup = new LogGroup(this, 'Logs', {
      retention: retentionDays(MONITORING.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function.`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): its own group only.
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(MONITORING.dlqRetentionDays),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetterQueue).acknowledge(
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This queue is itself the on-failure destination of an event-source mapping: a redrive policy would move its messages to yet another queue nobody reads.',
      },
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself the on-failure destination of an event-source mapping; it holds batch metadata for an operator (DLQ alarm) and has no consumer whose failures would need a further queue.',
      },
    );

    this.fn = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      ...functionBuild(props.environment),
      memorySize: FUNCTIONS.memorySize[props.name],
      timeout: Duration.seconds(FUNCTIONS.timeoutSeconds[props.name]),
      role: this.role,
      logGroup,
      reservedConcurrentExecutions: FUNCTIONS.reservedConcurrency[props.name],
    });
    acknowledgeFunctionBuild(this.fn, this.role);
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        "A function's failures are kept where they happen: its event-source mapping's on-failure queue (stream batches) and, for the finalizer's scheduled close, its asynchronous on-failure destination; a DeadLetterConfig would only cover asynchronous invocations.",
    });
  }
}
