import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { InfraConfigError } from '../../infra/errors.js';
import { readContext } from '../../infra/context.js';
import { MAPPINGS, STREAM } from '../../infra/settings.js';
import { onlyResource, synthAlleycat, type Synthesized } from './synthAlleycat.js';

let s: Synthesized;
beforeAll(async () => {
  s = await synthAlleycat();
});

describe('the telemetry stream', () => {
  it('takes its shard count from the ShardCount parameter, whose default is the settings value', () => {
    s.template.hasParameter('ShardCount', { Type: 'Number', Default: STREAM.defaultShardCount, MinValue: 1 });
    s.template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: { Ref: 'ShardCount' },
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: STREAM.retentionHours,
    });
  });

  it('is encrypted server-side with the AWS managed key', () => {
    s.template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('outputs its name', () => {
    const [id] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    s.template.hasOutput('StreamName', { Value: { Ref: id } });
  });
});

describe('context values', () => {
  it('set the ShardCount default and the window at synth time', () => {
    const app = new App({ context: { shardCount: '12', windowSeconds: 10 } });
    expect(readContext(app.node)).toMatchObject({ shardCount: 12, windowSeconds: 10 });
  });

  it('default to the settings', () => {
    expect(readContext(new App().node)).toEqual({
      shardCount: STREAM.defaultShardCount,
      windowSeconds: MAPPINGS.aggregator.tumblingWindowInSeconds,
      stage: 'dev',
      verboseApiLogs: false,
      apiRateLimit: 3000,
      apiRateWindowSeconds: 300,
      apiKeyGeneration: 1,
    });
  });

  it('are refused with a clear error when not usable', () => {
    expect(() => readContext(new App({ context: { shardCount: 'eight' } }).node)).toThrow(InfraConfigError);
    expect(() => readContext(new App({ context: { shardCount: 0 } }).node)).toThrow(
      /shardCount=0 must be an integer in 1\.\.500/,
    );
    expect(() => readContext(new App({ context: { windowSeconds: 901 } }).node)).toThrow(/windowSeconds=901/);
    expect(() => readContext(new App({ context: { alarmTopicArn: 'my-topic' } }).node)).toThrow(
      /alarmTopicArn=my-topic must be an SNS topic ARN/,
    );
  });

  it('change the synthesized parameter default', async () => {
    const wide = await synthAlleycat({ shardCount: 16 });
    wide.template.hasParameter('ShardCount', { Default: 16 });
  });
});
