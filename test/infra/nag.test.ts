import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { createApp } from '../../infra/createApp.js';
import { synthAlleycat, type Synthesized } from './synthAlleycat.js';

let s: Synthesized;
beforeAll(async () => {
  s = await synthAlleycat();
});

/** Every acknowledged rule in the tree: construct path, rule id, reason. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions and Serverless', () => {
  it('finds nothing unacknowledged in the stack (errors or warnings)', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(s.app);
      expect(
        report.violations.map(
          (v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
        ),
      ).toEqual([]);
      expect(report.success).toBe(true);
    }
  });

  it('acknowledges only a few findings, each on its own construct with a real justification', () => {
    const acks = acknowledgements(s.app);
    expect(acks.map((a) => `${a.path} ${a.id}`).sort()).toEqual(
      [
        ...['Aggregator', 'Finalizer', 'AllTime'].flatMap((fn) => [
          `Pipeline/${fn}/DeadLetters AwsSolutions-SQS3`,
          `Pipeline/${fn}/DeadLetters Serverless-SQSRedrivePolicy`,
          `Pipeline/${fn}/Function AwsSolutions-L1`,
          `Pipeline/${fn}/Function Serverless-LambdaLatestVersion`,
          `Pipeline/${fn}/Function Serverless-LambdaDLQ`,
          // X-Ray's actions (and allTime's dynamodb:ListStreams) take no resource ARN.
          `Pipeline/${fn}/Role AwsSolutions-IAM5[Resource::*]`,
        ]),
        'Pipeline/AllTime/Role AwsSolutions-IAM5[Resource::*]',
        'Pipeline/CloseTickFailures AwsSolutions-SQS3',
        'Pipeline/CloseTickFailures Serverless-SQSRedrivePolicy',
        'Graphql/Api AwsSolutions-ASC3',
        'Alarms AwsSolutions-SNS2',
        'Riders/Pool AwsSolutions-COG2',
        'Riders/Pool AwsSolutions-COG8',
        'Riders/PreSignUp AwsSolutions-L1',
        'Riders/PreSignUp Serverless-LambdaLatestVersion',
        'Riders/PreSignUp Serverless-LambdaDLQ',
        'Riders/PreSignUpRole AwsSolutions-IAM5[Resource::*]',
      ]
        .map((a) => `Alleycat-dev/${a}`)
        .sort(),
    );
    for (const a of acks) expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(80);
  });

  it('reports a finding in a stack that has one (the check is live)', () => {
    const app = new App();
    new Queue(new Stack(app, 'Plain'), 'Queue');
    const rules = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  it('fails the synth of the app when the stack gains an unacknowledged finding', () => {
    const { app, stack } = createApp({
      bundles: s.bundles,
      context: { 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    new Queue(stack, 'Unjustified');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*AwsSolutions-SQS4/);
  });
});
