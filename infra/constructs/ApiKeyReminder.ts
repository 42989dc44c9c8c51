/**
 * A reminder before the API key expires. AppSync publishes no metric of a
 * key's expiry, and the expiry is fixed at synth (now + API.apiKeyDays), so
 * the stack schedules, with EventBridge Scheduler, one message to the alarm
 * topic API.apiKeyReminderDays before that date. Every deploy renews the key
 * and moves the reminder with it; a stage left undeployed for most of a year
 * gets the message a month ahead (docs/operations.md, API key).
 */
import { Duration } from 'aws-cdk-lib';
import type { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { API } from '../settings.js';

export interface ApiKeyReminderProps {
  readonly api: GraphqlApi;
  readonly topic: ITopic;
  /** When the API key expires (the stack sets both from one date). */
  readonly expires: Date;
}

/** `at()` of EventBridge Scheduler: yyyy-mm-ddThh:mm:ss, no zone (the schedule's zone is UTC). */
function atExpression(date: Date): string {
  return `at(${date.toISOString().slice(0, 19)})`;
}

export class ApiKeyReminder extends Construct {
  /** When the key expires and when the reminder goes out. */
  readonly expires: Date;
  readonly remindAt: Date;

  constructor(scope: Construct, id: string, props: ApiKeyReminderProps) {
    super(scope, id);
    this.expires = props.expires;
    this.remindAt = new Date(this.expires.getTime() - Duration.days(API.apiKeyReminderDays).toMilliseconds());
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Publishes the API key reminder to the alarm topic.',
    });
    role.addToPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    new CfnSchedule(this, 'Schedule', {
      description: 'Reminds the operators to renew the AppSync API key before it expires.',
      scheduleExpression: atExpression(this.remindAt),
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.topic.topicArn,
        roleArn: role.roleArn,
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
        input: JSON.stringify({
          AlarmName: 'ApiKeyExpiry',
          message: `The API key of AppSync API ${
            props.api.apiId
          } expires on ${this.expires.toISOString()}. Renew it by deploying the stack again, or with the renewal step of docs/operations.md (API key).`,
        }),
      },
    });
  }
}
