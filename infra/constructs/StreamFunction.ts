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
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { InfraConfigError, MissingFunctionSourceError } from '../errors.js';
import { functionEntry, REPO_ROOT } from '../paths.js';
import { retentionDays } from '../retention.js';
import { FUNCTIONS, MONITORING } from '../settings.js';

export type FunctionName = keyof typeof FUNCTIONS.memorySize;

export interface StreamFunctionProps {
  readonly name: FunctionName;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** The Lambda runtime named in infra/settings.ts, as a CDK Runtime. */
export function settingsRuntime(): Runtime {
  const runtime = Runtime.ALL.find((r) => r.name === FUNCTIONS.runtime);
  if (!runtime) throw new InfraConfigError(`aws-cdk-lib does not know the Lambda runtime ${FUNCTIONS.runtime}.`);
  return runtime;
}

/** esbuild's target for the runtime of the settings (`nodejs22.x` -> `node22`). */
export function esbuildTarget(): string {
  const major = /^nodejs(\d+)\.x$/.exec(FUNCTIONS.runtime)?.[1];
  if (major === undefined)
    throw new InfraConfigError(`${FUNCTIONS.runtime} is not a Node.js runtime (nodejs<major>.x).`);
  return `node${major}`;
}

/** Node's `require` for CommonJS dependencies inside the ESM bundle (esbuild's documented shim). */
const REQUIRE_SHIM =
  "import { createRequire as __alleycatRequire } from 'node:module'; const require = __alleycatRequire(import.meta.url);";

/** How every function of the stack is bundled (ESM for the settings' runtime, minified with source maps). */
export function functionBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: esbuildTarget(),
    mainFields: ['module', 'main'],
    banner: REQUIRE_SHIM,
    minify: true,
    sourceMap: true,
    // Bundle the AWS SDK and Powertools too: the deployed code runs the
    // versions package-lock.json pins, the ones the tests ran.
    externalModules: [],
  };
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
      runtime: settingsRuntime(),
      architecture: Architecture.ARM_64,
      memorySize: FUNCTIONS.memorySize[props.name],
      timeout: Duration.seconds(FUNCTIONS.timeoutSeconds[props.name]),
      role: this.role,
      logGroup,
      // Traces continue from AppSync into the functions and their DynamoDB calls.
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: FUNCTIONS.reservedConcurrency[props.name],
      // Minified bundles: stack traces are only readable through the source map.
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: functionBundling(),
    });
    const runtimeReason = `${FUNCTIONS.runtime} is a supported Lambda runtime, pinned in infra/settings.ts so that the deployed runtime only changes deliberately: together with the bundles' esbuild target (derived from the same setting) and after the functions are re-tested on the new Node major (docs/operations.md, Decisions).`;
    Validations.of(this.fn).acknowledge(
      { id: 'AwsSolutions-L1', reason: runtimeReason },
      { id: 'Serverless-LambdaLatestVersion', reason: runtimeReason },
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          "A function's failures are kept where they happen: its event-source mapping's on-failure queue (stream batches) and, for the finalizer's scheduled close, its asynchronous on-failure destination; a DeadLetterConfig would only cover asynchronous invocations.",
      },
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) have no resource-level permissions: IAM accepts only "*" for them.',
    });
  }
}
