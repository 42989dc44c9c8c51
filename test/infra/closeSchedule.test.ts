/**
 * The finalizer's scheduled close in the CDK stack: an EventBridge rule on
 * the settings' rate, invoking the finalizer with the rule's own Scheduled
 * Event (which the handler recognises), and only the permission that needs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isScheduledEvent } from '../../functions/finalizer/finalizer.js';
import { CLOSE_SCHEDULE } from '../../infra/settings.js';
import { logicalId, onlyResource, resourcesOfType, synthAlleycat, type Synthesized } from './synthAlleycat.js';

let s: Synthesized;
beforeAll(async () => {
  s = await synthAlleycat();
});

const finalizerId = () => logicalId(s.stack, s.stack.pipeline.functions.finalizer.fn);
const ruleId = () => logicalId(s.stack, s.stack.pipeline.closeSchedule);
const queueId = () => logicalId(s.stack, s.stack.pipeline.closeTickFailures);

describe('the scheduled close of races', () => {
  it('is one enabled EventBridge rule on the settings rate (every minute), targeting only the finalizer with the rule event itself', () => {
    const [id, rule] = onlyResource(s.template, 'AWS::Events::Rule');
    expect(id).toBe(ruleId());
    expect(CLOSE_SCHEDULE.rateMinutes).toBe(1);
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    const targets = rule.Properties?.Targets as Array<Record<string, unknown>>;
    expect(targets).toHaveLength(1);
    // No Input, InputPath or InputTransformer: Lambda receives EventBridge's Scheduled Event.
    expect(targets[0]).toEqual({
      Id: 'Target0',
      Arn: { 'Fn::GetAtt': [finalizerId(), 'Arn'] },
      // A tick EventBridge cannot deliver is tried again, then kept for the alarm.
      RetryPolicy: {
        MaximumRetryAttempts: CLOSE_SCHEDULE.retryAttempts,
        MaximumEventAgeInSeconds: CLOSE_SCHEDULE.maxEventAgeMinutes * 60,
      },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(), 'Arn'] } },
    });
  });

  it('the finalizer recognises the event such a rule sends', () => {
    const event = {
      version: '0',
      id: '5c1f3b6e-0d7a-4c2e-9a41-2f1b0e6c7d88',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111122223333',
      time: '2026-11-23T05:00:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:111122223333:rule/Alleycat-PipelineCloseSchedule'],
      detail: {},
    };
    expect(isScheduledEvent(event)).toBe(true);
    expect(isScheduledEvent({ ...event, source: 'aws.s3' })).toBe(false);
    expect(isScheduledEvent({ Records: [] })).toBe(false);
  });

  it('grants EventBridge lambda:InvokeFunction on the finalizer, from this rule only; nothing else may invoke a function but the riders’ pool its trigger', () => {
    const permissions = Object.values(resourcesOfType(s.template, 'AWS::Lambda::Permission'));
    const riders = s.stack.riders;
    expect(permissions.map((p) => p.Properties)).toEqual(
      expect.arrayContaining([
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [finalizerId(), 'Arn'] },
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [ruleId(), 'Arn'] },
        },
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [logicalId(s.stack, riders.preSignUp), 'Arn'] },
          Principal: 'cognito-idp.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [logicalId(s.stack, riders.userPool), 'Arn'] },
        },
      ]),
    );
    expect(permissions).toHaveLength(2);
  });

  it('asynchronous invocations of the finalizer (only the schedule makes them) are retried, then kept for the alarm', () => {
    const [, config] = onlyResource(s.template, 'AWS::Lambda::EventInvokeConfig');
    expect(CLOSE_SCHEDULE.retryAttempts).toBeGreaterThan(0);
    expect(config.Properties).toEqual({
      FunctionName: { Ref: finalizerId() },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: CLOSE_SCHEDULE.retryAttempts,
      MaximumEventAgeInSeconds: CLOSE_SCHEDULE.maxEventAgeMinutes * 60,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId(), 'Arn'] } } },
    });
    const alarms = resourcesOfType(s.template, 'AWS::CloudWatch::Alarm');
    expect(
      Object.values(alarms).some(
        (a) =>
          a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Properties?.Dimensions).includes(queueId()),
      ),
    ).toBe(true);
  });
});
