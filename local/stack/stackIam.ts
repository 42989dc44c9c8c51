/**
 * IAM on the local stack: a role session (fresh key pair) for each function
 * and each data source with a service role, with the statements CDK grants
 * them (stackRoles.ts), and the checking proxies they call DynamoDB Local and
 * kinesalite through. The stack's own parts (set-up, simulator) keep calling
 * the emulators directly, as an operator would. The event-source mappings'
 * pollers call them directly too, but Lambda makes those calls with the
 * function's role, so each one is checked in-process against that role
 * (executionRoleOf, local/esm/executionRole.ts): a mapping is created only if
 * the role may read its stream, and every later read and OnFailure send is
 * checked again, as on AWS. A role's statements can be replaced while the
 * stack runs (putRoleStatements, as IAM's PutRolePolicy would), and every
 * check reads them at call time.
 */
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, newLocalCredentials } from '../credentials.js';
import { startCheckingProxy, type CheckingProxy } from '../iam/checkingProxy.js';
import { accessDeniedMessage, type DeniedCall } from '../iam/accessDenied.js';
import { assumedRoleArn, type RolePrincipal } from '../iam/principal.js';
import { evaluatePolicy, type PolicyStatement } from '../iam/policyDocument.js';
import type { ExecutionRole } from '../esm/executionRole.js';
import type { FunctionName } from './functionEnv.js';
import type { RoleDefinition, StackRoles } from './stackRoles.js';
import { throttledLog } from './mappingLog.js';

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
  /** The function's role as its mapping's pollers use it; their refused calls are recorded like the proxies'. */
  executionRole(name: FunctionName): ExecutionRole;
  /**
   * Replaces the statements of a function's role; the next call of the
   * function, its pollers or its AppSync requests is checked against them.
   */
  putRoleStatements(name: FunctionName, statements: readonly PolicyStatement[]): void;
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
 * the event-source mapping may read and send (local/esm/executionRole.ts),
 * read at every call; `onDenied` hears of each refused call.
 */
export function executionRoleOf(p: RolePrincipal, onDenied?: (call: DeniedCall) => void): ExecutionRole {
  return {
    allows: (action, resource) => evaluatePolicy(p.statements, action, inLocalRegion(resource)) === 'allowed',
    denial(action, resource) {
      const on = inLocalRegion(resource);
      const decision = evaluatePolicy(p.statements, action, on);
      if (decision === 'allowed') return undefined;
      const call: DeniedCall = { callerArn: assumedRoleArn(p), action, resource: on, decision };
      onDenied?.(call);
      return accessDeniedMessage(call);
    },
  };
}

/** A role session whose statements array is its own (putRoleStatements replaces its contents). */
function session(role: RoleDefinition, sessionName: string): RolePrincipal & { statements: PolicyStatement[] } {
  return {
    ...newLocalCredentials(),
    accountId: LOCAL_ACCOUNT_ID,
    roleName: role.roleName,
    sessionName,
    statements: [...role.statements],
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
  // A poller denied every second says so once per interval; deniedCalls keeps every refusal.
  const say = throttledLog(o.log, 10_000);
  const onDenied = (call: DeniedCall) => {
    const message = accessDeniedMessage(call);
    deniedCalls.push(message);
    if (deniedCalls.length > 100) deniedCalls.shift();
    say(message, `[iam] AccessDeniedException: ${message}`);
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
    executionRole: (name) => executionRoleOf(functions[name], onDenied),
    putRoleStatements(name, statements) {
      // In place: the proxies, the AppSync check and the pollers hold this session.
      functions[name].statements.splice(0, functions[name].statements.length, ...statements);
    },
    async stop() {
      await Promise.all([dynamodb.stop(), kinesis.stop()]);
    },
  };
}
