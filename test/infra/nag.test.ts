import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
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

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack (errors or warnings)', () => {
    const report = new AwsSolutionsChecks().validateScope(s.app);
    expect(
      report.violations.map(
        (v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only a few findings, each on its own construct with a real justification', () => {
    const acks = acknowledgements(s.app);
    expect(acks.map((a) => `${a.path} ${a.id}`).sort()).toEqual(
      [
        'Alleycat/Pipeline/Aggregator/DeadLetters AwsSolutions-SQS3',
        'Alleycat/Pipeline/Finalizer/DeadLetters AwsSolutions-SQS3',
        'Alleycat/Pipeline/AllTime/DeadLetters AwsSolutions-SQS3',
        'Alleycat/Pipeline/Aggregator/Function AwsSolutions-L1',
        'Alleycat/Pipeline/Finalizer/Function AwsSolutions-L1',
        'Alleycat/Pipeline/AllTime/Function AwsSolutions-L1',
        'Alleycat/Pipeline/AllTime/Role AwsSolutions-IAM5[Resource::*]',
        'Alleycat/Riders/Pool AwsSolutions-COG2',
        'Alleycat/Riders/Pool AwsSolutions-COG8',
        'Alleycat/Riders/PreSignUp AwsSolutions-L1',
      ].sort(),
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
