/**
 * IAM on the local stack: a role session (fresh key pair) for each function
 * and each data source with a service role, with the statements CDK grants
 * them (stackRoles.ts), and the checking proxies they call DynamoDB Local and
 * kinesalite through. The stack's own parts (pollers, set-up, simulator)
 * keep calling the emulators directly, as the Lambda service and an operator
 * would; a mapping is created only if its function's role may read its
 * stream (executionRoleOf, local/esm/executionRole.ts), as on AWS.
 */
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, newLocalCredentials } from '../credentials.js';
import { startCheckingProxy, type CheckingProxy } from '../iam/checkingProxy.js';
import { accessDeniedMessage, type DeniedCall } from '../iam/accessDenied.js';
import type { RolePrincipal } from '../iam/principal.js';
import { evaluatePolicy } from '../iam/policyDocument.js';
import type { ExecutionRole } from '../esm/executionRole.js';
import type { FunctionName } from './functionEnv.js';
import type { RoleDefinition, StackRoles } from './stackRoles.js';

/** AppSync names the session it assumes a data source's role in. */
const APPSYNC_SESSION = 'APPSYNC_ASSUME_ROLE';

export interface StackIam {
  readonly functions: Readonly<Record<FunctionName, RolePrincipal>>;
  readonly dataSources: Readonly<{ table: RolePrincipal; kinesis: RolePrincipal }>;
  /** DynamoDB Local behind the check: the functions' and the table data source's endpoint. */
  readonly dynamodb: CheckingProxy;
  /** kinesalite behind the check: the Kinesis data source's endpoint. */
  readonly kinesis: CheckingProxy;
  /** The last refused calls (AWS's messages), newest last. */
  readonly deniedCalls: readonly string[];
  /** Records a call refused elsewhere (the local AppSync's appsync:GraphQL check), as the proxies do. */
  reportDenied(call: DeniedCall): void;
  stop(): Promise<void>;
}

/**
 * DynamoDB Local names its streams in a region of its own (`ddblocal`); IAM
 * sees the ARN AWS would give them, in the stack's region.
 */
function inLocalRegion(arn: string): string {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[3] === LOCAL_REGION) return arn;
  return [...parts.slice(0, 3), LOCAL_REGION, ...parts.slice(4)].join(':');
}

/**
 * A function's role as Lambda's pollers use it: its statements decide what
 * the event-source mapping may read (local/esm/executionRole.ts).
 */
export function executionRoleOf(p: RolePrincipal): ExecutionRole {
  return { allows: (action, resource) => evaluatePolicy(p.statements, action, inLocalRegion(resource)) === 'allowed' };
}

function session(role: RoleDefinition, sessionName: string): RolePrincipal {
  return {
    ...newLocalCredentials(),
    accountId: LOCAL_ACCOUNT_ID,
    roleName: role.roleName,
    sessionName,
    statements: role.statements,
  };
}

export async function startStackIam(o: {
  roles: StackRoles;
  dynamodbEndpoint: string;
  kinesisEndpoint: string;
  host: string;
  log: (line: string) => void;
}): Promise<StackIam> {
  const functions = {
    aggregator: session(o.roles.functions.aggregator, 'aggregator'),
    finalizer: session(o.roles.functions.finalizer, 'finalizer'),
    allTime: session(o.roles.functions.allTime, 'allTime'),
  };
  const dataSources = {
    table: session(o.roles.dataSources.table, APPSYNC_SESSION),
    kinesis: session(o.roles.dataSources.kinesis, APPSYNC_SESSION),
  };
  const deniedCalls: string[] = [];
  const onDenied = (call: DeniedCall) => {
    const message = accessDeniedMessage(call);
    deniedCalls.push(message);
    if (deniedCalls.length > 100) deniedCalls.shift();
    o.log(`[iam] AccessDeniedException: ${message}`);
  };
  const common = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, host: o.host, onDenied };
  const dynamodb = await startCheckingProxy({
    ...common,
    upstream: o.dynamodbEndpoint,
    service: 'dynamodb',
    principals: [...Object.values(functions), dataSources.table],
  });
  const kinesis = await startCheckingProxy({
    ...common,
    upstream: o.kinesisEndpoint,
    service: 'kinesis',
    principals: [...Object.values(functions), dataSources.kinesis],
  });
  return {
    functions,
    dataSources,
    dynamodb,
    kinesis,
    deniedCalls,
    reportDenied: onDenied,
    async stop() {
      await Promise.all([dynamodb.stop(), kinesis.stop()]);
    },
  };
}
