/**
 * The roles of the local stack, read from the CDK stack itself: the stack is
 * synthesized (Lambda bundling skipped, nothing else changed) and the
 * statements of each function's execution role and of each AppSync data
 * source's service role are taken from the template, with CloudFormation's
 * intrinsics resolved to the local stack's ARNs (fixed local account and
 * region). What CDK grants is exactly what the local check allows.
 */
import { BackedDataSource } from 'aws-cdk-lib/aws-appsync';
import { Role } from 'aws-cdk-lib/aws-iam';
import { CfnElement, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { createApp } from '../../infra/createApp.js';
import type { ResolverBundles } from '../../infra/resolverCode.js';
import { parseStatement, type PolicyStatement } from '../iam/policyDocument.js';
import { StackStartError } from './errors.js';
import { LOCAL_API_ID } from '../credentials.js';
import type { FunctionName } from './functionEnv.js';
import { deadLetterQueueArn } from './deadLetterQueues.js';

export interface RoleDefinition {
  /** As CloudFormation would name it, without the random suffix. */
  readonly roleName: string;
  readonly statements: readonly PolicyStatement[];
}

export interface StackRoles {
  readonly functions: Readonly<Record<FunctionName, RoleDefinition>>;
  /** Service roles of the data sources that have one. */
  readonly dataSources: Readonly<{ table: RoleDefinition; kinesis: RoleDefinition }>;
}

export interface LocalNames {
  readonly region: string;
  readonly accountId: string;
  readonly tableName: string;
  readonly streamName: string;
}

type Json = unknown;
interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}

/**
 * Local ARNs and attributes of the template's resources by logical id
 * (`queues`: the ARNs of the OnFailure queues the local stack keeps).
 */
function attributeOf(
  resources: Record<string, TemplateResource>,
  names: LocalNames,
  queues: ReadonlyMap<string, string>,
) {
  const { region, accountId } = names;
  const tableArn = `arn:aws:dynamodb:${region}:${accountId}:table/${names.tableName}`;
  return (logicalId: string, attribute: string): string => {
    const type = resources[logicalId]?.Type;
    if (type === 'AWS::DynamoDB::Table' && attribute === 'Arn') return tableArn;
    if (type === 'AWS::DynamoDB::Table' && attribute === 'StreamArn') return `${tableArn}/stream/*`;
    if (type === 'AWS::Kinesis::Stream' && attribute === 'Arn')
      return `arn:aws:kinesis:${region}:${accountId}:stream/${names.streamName}`;
    const queue = queues.get(logicalId);
    if (type === 'AWS::SQS::Queue' && attribute === 'Arn' && queue !== undefined) return queue;
    if (type === 'AWS::AppSync::GraphQLApi' && attribute === 'ApiId') return LOCAL_API_ID;
    if (type === 'AWS::AppSync::GraphQLApi' && attribute === 'Arn')
      return `arn:aws:appsync:${region}:${accountId}:apis/${LOCAL_API_ID}`;
    // Resources the local stack does not run (log groups, the close tick's queue): an ARN no local call names.
    return `arn:aws:cloudformation:${region}:${accountId}:stack/local/${logicalId}/${attribute}`;
  };
}

function resolver(resources: Record<string, TemplateResource>, names: LocalNames, queues: ReadonlyMap<string, string>) {
  const attribute = attributeOf(resources, names, queues);
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': names.region,
    'AWS::AccountId': names.accountId,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const resolve = (value: Json): Json => {
    if (typeof value === 'string' || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(resolve);
    const entries = Object.entries(value as Record<string, Json>);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref' && typeof arg === 'string') {
      return pseudo[arg] ?? attribute(arg, 'Ref');
    }
    if (entries.length === 1 && key === 'Fn::GetAtt' && Array.isArray(arg)) {
      return attribute(String(arg[0]), String(arg[1]));
    }
    if (entries.length === 1 && key === 'Fn::Join' && Array.isArray(arg)) {
      const [sep, parts] = arg as [string, Json[]];
      return parts.map((p) => String(resolve(p))).join(sep);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  return resolve;
}

function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const child = construct.node.defaultChild;
  if (!(child instanceof CfnElement))
    throw new StackStartError(`${construct.node.path} has no resource`, 'Fix infra/.');
  return stack.getLogicalId(child);
}

/** The statements of every AWS::IAM::Policy attached to a role, resolved. */
function roleDefinition(
  stack: Stack,
  role: IConstruct,
  resources: Record<string, TemplateResource>,
  resolve: (v: Json) => Json,
): RoleDefinition {
  const roleId = logicalIdOf(stack, role);
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties?.Roles ?? []).includes(JSON.stringify({ Ref: roleId })))
    .flatMap((r) => {
      const doc = r.Properties?.PolicyDocument as { Statement?: Json[] } | undefined;
      return (doc?.Statement ?? []).map((s) => parseStatement(resolve(s)));
    });
  return { roleName: `${stack.stackName}-${roleId}`, statements };
}

/** Synthesizes the CDK stack and reads the local stack's roles from it. */
export function stackRoles(bundles: ResolverBundles, names: LocalNames): StackRoles {
  const { app, stack } = createApp({
    bundles,
    context: { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
    nagChecks: false,
  });
  const template = app.synth().getStackArtifact(stack.artifactId).template as {
    Resources: Record<string, TemplateResource>;
  };
  const fns = stack.pipeline.functions;
  const queues = new Map(
    (['aggregator', 'finalizer', 'allTime'] as const).map((name) => [
      logicalIdOf(stack, fns[name].deadLetterQueue),
      deadLetterQueueArn(name, names),
    ]),
  );
  const resolve = resolver(template.Resources, names, queues);
  const role = (r: IConstruct) => roleDefinition(stack, r, template.Resources, resolve);
  const serviceRole = (name: 'table' | 'kinesis') => {
    const source = stack.api.dataSources[name];
    const principal = source instanceof BackedDataSource ? source.grantPrincipal : undefined;
    if (!(principal instanceof Role))
      throw new StackStartError(`data source ${name} has no service role`, 'Fix infra/.');
    return role(principal);
  };
  return {
    functions: {
      aggregator: role(fns.aggregator.role),
      finalizer: role(fns.finalizer.role),
      allTime: role(fns.allTime.role),
    },
    dataSources: { table: serviceRole('table'), kinesis: serviceRole('kinesis') },
  };
}
