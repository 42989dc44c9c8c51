/**
 * Stages side by side in one account and region: the stage is in the stack's
 * name, the API's and the user pool's names, alarm and dashboard names, and a
 * tag on every resource; the cloud-named resources (table, stream, queues)
 * get CloudFormation's names, unique per stack.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { readContext } from '../../infra/context.js';
import { onlyResource, resourcesOfType, synthAlleycat } from './synthAlleycat.js';

describe('stages', () => {
  it('two stages share no name', async () => {
    const [dev, prod] = await Promise.all([synthAlleycat(), synthAlleycat({ stage: 'prod' })]);
    expect([dev.stack.stackName, prod.stack.stackName]).toEqual(['Alleycat-dev', 'Alleycat-prod']);
    const names = (s: typeof dev) => [
      onlyResource(s.template, 'AWS::AppSync::GraphQLApi')[1].Properties?.Name,
      onlyResource(s.template, 'AWS::Cognito::UserPool')[1].Properties?.UserPoolName,
      onlyResource(s.template, 'AWS::Cognito::UserPoolClient')[1].Properties?.ClientName,
      onlyResource(s.template, 'AWS::CloudWatch::Dashboard')[1].Properties?.DashboardName,
      ...Object.values(resourcesOfType(s.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties?.AlarmName),
    ];
    expect(names(prod)).toContain('alleycat-prod');
    expect(names(prod)).toContain('Alleycat-prod-Api5xxRate');
    const devNames = new Set(names(dev));
    for (const name of names(prod)) expect(devNames.has(name), String(name)).toBe(false);
    // Table, stream and queues are named by CloudFormation (stack name + id + suffix): no fixed names.
    for (const type of ['AWS::DynamoDB::Table', 'AWS::Kinesis::Stream', 'AWS::SQS::Queue']) {
      for (const r of Object.values(resourcesOfType(prod.template, type))) {
        expect(r.Properties?.TableName ?? r.Properties?.Name ?? r.Properties?.QueueName).toBeUndefined();
      }
    }
  });

  it('tags every taggable resource with the project and the stage', async () => {
    const prod = await synthAlleycat({ stage: 'prod' });
    const table = onlyResource(prod.template, 'AWS::DynamoDB::Table')[1];
    expect(table.Properties?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'project', Value: 'alleycat' },
        { Key: 'stage', Value: 'prod' },
      ]),
    );
    const fn = Object.values(resourcesOfType(prod.template, 'AWS::Lambda::Function'))[0];
    expect(fn?.Properties?.Tags).toEqual(expect.arrayContaining([{ Key: 'stage', Value: 'prod' }]));
  });

  it('refuses a stage name that cannot go into resource names', () => {
    for (const bad of ['Prod', 'a_b', '', '-x', 'x'.repeat(17)]) {
      expect(() => readContext(new App({ context: { stage: bad } }).node)).toThrow(/stage/);
    }
  });
});
