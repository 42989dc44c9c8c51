/**
 * The Kinesis stream the local stack creates against the synthesized CDK
 * template (the table, the mappings and the functions' environment are
 * compared in test/infra/localParity.test.ts).
 */
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { STREAM } from '../../infra/settings.js';
import { localKinesis } from '../../local/stack/clients.js';
import { ensureStream, localRetentionHours } from '../../local/stack/resources.js';
import { onlyResource, synthAlleycat, type Synthesized } from '../infra/synthAlleycat.js';

let s: Synthesized;
beforeAll(async () => {
  s = await synthAlleycat();
});

describe('the local Kinesis stream and the synthesized one', () => {
  it('the same retention as far as kinesalite takes it (168 h); the local shard count is the local setting, the deployed one the ShardCount parameter', async () => {
    const [, stream] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    const client = localKinesis(inject('kinesisEndpoint'));
    try {
      const name = `parity-${Date.now()}`;
      await ensureStream(client, name, STREAM.localShardCount);
      const local = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
        .StreamDescriptionSummary;
      const deployed = Number(stream.Properties?.RetentionPeriodHours ?? 24);
      expect(local?.RetentionPeriodHours).toBe(localRetentionHours(deployed));
      expect(local?.RetentionPeriodHours).toBe(Math.min(deployed, 168));
      expect(local?.OpenShardCount).toBe(STREAM.localShardCount);
      const params = (s.template.toJSON() as { Parameters?: Record<string, { Default?: unknown }> }).Parameters ?? {};
      expect(Object.values(params).some((p) => Number(p.Default) === STREAM.defaultShardCount)).toBe(true);
    } finally {
      client.destroy();
    }
  });
});
