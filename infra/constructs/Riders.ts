/**
 * The riders' Cognito user pool (infra/settings.ts USER_POOL): self sign-up,
 * sign-in by username (a racerId, case-sensitive), the standard `name`
 * attribute required and mutable, and a PreSignUp trigger for what Cognito
 * cannot check itself (functions/preSignUp); one public app client for
 * USER_PASSWORD_AUTH and SRP. The API adds the pool as its
 * AMAZON_COGNITO_USER_POOLS mode (infra/constructs/Api.ts).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  Mfa,
  UserPool,
  UserPoolClient,
  UserPoolOperation,
  type AuthFlow,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionEntry } from '../paths.js';
import { retentionDays } from '../retention.js';
import { MONITORING, USER_POOL } from '../settings.js';
import { stagedName } from '../stagedName.js';
import { acknowledgeFunctionBuild, functionBuild } from './functionBuild.js';

export interface RidersProps {
  /** The stage: the pool's and the client's names carry it. */
  readonly stage: string;
}

export class Riders extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly preSignUp: NodejsFunction;

  constructor(scope: Construct, id: string, props: RidersProps) {
    super(scope, id);
    const { passwordPolicy, tokenValidity } = USER_POOL;
    this.userPool = new UserPool(this, 'Pool', {
      userPoolName: stagedName(USER_POOL.poolName, props.stage),
      selfSignUpEnabled: true,
      signInAliases: { username: true },
      signInCaseSensitive: USER_POOL.usernameCaseSensitive,
      standardAttributes: { fullname: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: passwordPolicy.minLength,
        requireLowercase: passwordPolicy.requireLowercase,
        requireUppercase: passwordPolicy.requireUppercase,
        requireDigits: passwordPolicy.requireDigits,
        requireSymbols: passwordPolicy.requireSymbols,
        tempPasswordValidity: Duration.days(passwordPolicy.temporaryPasswordValidityDays),
      },
      // Riders sign up with a username and a name only: no address to recover through.
      accountRecovery: AccountRecovery.NONE,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // The pool holds who the riders are: it outlives a stack deletion, as the table does.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is offered (TOTP) but not required: a rider account only lets its owner post their own telemetry to a game leaderboard, and requiring a second factor from every rider of a fitness game is out of proportion to that.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan (threat protection) is priced per active user; a free leaderboard game keeps the Essentials plan: a token only lets its rider post their own telemetry, which the pipeline checks with its fair-play rules whoever sends it.',
      },
    );

    const logGroup = new LogGroup(this, 'PreSignUpLogs', {
      retention: retentionDays(MONITORING.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'PreSignUpRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the PreSignUp trigger of the riders pool.',
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.preSignUp = new NodejsFunction(this, 'PreSignUp', {
      entry: functionEntry('preSignUp'),
      handler: 'handler',
      description: 'Refuses a rider sign-up whose username is not a racerId or whose name does not fit the boards.',
      ...functionBuild({}),
      memorySize: USER_POOL.preSignUp.memorySize,
      timeout: Duration.seconds(USER_POOL.preSignUp.timeoutSeconds),
      role,
      logGroup,
    });
    acknowledgeFunctionBuild(this.preSignUp, role);
    Validations.of(this.preSignUp).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Cognito invokes the PreSignUp trigger synchronously and shows its failure to the rider signing up; a dead-letter queue only receives failed asynchronous invocations, of which this function has none.',
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_SIGN_UP, this.preSignUp);

    const authFlows: AuthFlow = {
      userPassword: USER_POOL.explicitAuthFlows.includes('ALLOW_USER_PASSWORD_AUTH'),
      userSrp: USER_POOL.explicitAuthFlows.includes('ALLOW_USER_SRP_AUTH'),
    };
    this.client = this.userPool.addClient('App', {
      userPoolClientName: stagedName(USER_POOL.clientName, props.stage),
      generateSecret: false,
      authFlows,
      idTokenValidity: Duration.minutes(tokenValidity.idTokenMinutes),
      accessTokenValidity: Duration.minutes(tokenValidity.accessTokenMinutes),
      refreshTokenValidity: Duration.days(tokenValidity.refreshTokenDays),
      preventUserExistenceErrors: true,
    });
  }
}
