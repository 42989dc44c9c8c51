/**
 * How every Lambda function of the stack is built and run: the runtime named
 * in infra/settings.ts on ARM, bundled by esbuild as ESM with source maps from
 * the repository's lock file, traced; and the cdk-nag findings that follow
 * from it, acknowledged once.
 */
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { InfraConfigError } from '../errors.js';
import { REPO_ROOT } from '../paths.js';
import { FUNCTIONS } from '../settings.js';

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

/** The build and run properties every function shares; `environment` is the function's own. */
export function functionBuild(
  environment: Readonly<Record<string, string>>,
): Pick<
  NodejsFunctionProps,
  'runtime' | 'architecture' | 'tracing' | 'environment' | 'projectRoot' | 'depsLockFilePath' | 'bundling'
> {
  return {
    runtime: settingsRuntime(),
    architecture: Architecture.ARM_64,
    // Traces continue from the caller into the function and its DynamoDB calls.
    tracing: Tracing.ACTIVE,
    // Minified bundles: stack traces are only readable through the source map.
    environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    bundling: functionBundling(),
  };
}

/** Acknowledges the findings functionBuild's choices raise on a function and its role. */
export function acknowledgeFunctionBuild(fn: Construct, role: Role): void {
  const runtimeReason = `${FUNCTIONS.runtime} is a supported Lambda runtime, pinned in infra/settings.ts so that the deployed runtime only changes deliberately: together with the bundles' esbuild target (derived from the same setting) and after the functions are re-tested on the new Node major (docs/operations.md, Decisions).`;
  Validations.of(fn).acknowledge(
    { id: 'AwsSolutions-L1', reason: runtimeReason },
    { id: 'Serverless-LambdaLatestVersion', reason: runtimeReason },
  );
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) have no resource-level permissions: IAM accepts only "*" for them.',
  });
}
