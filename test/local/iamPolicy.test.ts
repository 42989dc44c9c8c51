/**
 * The local IAM check's pure parts: policy evaluation (explicit deny wins,
 * wildcards, case rules), what a DynamoDB or Kinesis request asks for, and
 * AWS's refusal message.
 */
import { describe, expect, it } from 'vitest';
import { accessDeniedBody, accessDeniedMessage } from '../../local/iam/accessDenied.js';
import { evaluatePolicy, parseStatement, type PolicyStatement } from '../../local/iam/policyDocument.js';
import { requestedAccess } from '../../local/iam/requestedAccess.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/alleycat';
const scope = { region: 'us-east-1', accountId: '000000000000' };

describe('evaluatePolicy', () => {
  const allow: PolicyStatement = { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE };
  it('allows only the listed actions on the listed resources', () => {
    expect(evaluatePolicy([allow], 'dynamodb:GetItem', TABLE)).toBe('allowed');
    expect(evaluatePolicy([allow], 'dynamodb:UpdateItem', TABLE)).toBe('implicitDeny');
    expect(evaluatePolicy([allow], 'dynamodb:GetItem', `${TABLE}/index/GSI1`)).toBe('implicitDeny');
    expect(evaluatePolicy([], 'dynamodb:GetItem', TABLE)).toBe('implicitDeny');
  });
  it('wildcards: * and ? in actions (any case) and resources (exact case)', () => {
    const wide: PolicyStatement = { Effect: 'Allow', Action: 'DynamoDB:Get*', Resource: `${TABLE}/index/*` };
    expect(evaluatePolicy([wide], 'dynamodb:GetItem', `${TABLE}/index/GSI2`)).toBe('allowed');
    expect(evaluatePolicy([wide], 'dynamodb:GetItem', `${TABLE.toUpperCase()}/index/GSI2`)).toBe('implicitDeny');
    const one: PolicyStatement = { Effect: 'Allow', Action: 'kinesis:PutRecord?', Resource: '*' };
    expect(evaluatePolicy([one], 'kinesis:PutRecords', 'arn:x')).toBe('allowed');
    expect(evaluatePolicy([one], 'kinesis:PutRecord', 'arn:x')).toBe('implicitDeny');
  });
  it('an explicit Deny wins over any Allow', () => {
    const deny: PolicyStatement = { Effect: 'Deny', Action: 'dynamodb:*', Resource: '*' };
    expect(evaluatePolicy([allow, deny], 'dynamodb:GetItem', TABLE)).toBe('explicitDeny');
  });
  it('refuses statements it cannot evaluate faithfully', () => {
    expect(() =>
      parseStatement({ Effect: 'Allow', Action: 'a:b', Resource: '*', Condition: { Bool: { x: 'true' } } }),
    ).toThrow(/Condition/);
    expect(() => parseStatement({ Effect: 'Allow', NotAction: 'a:b', Resource: '*' })).toThrow(/NotAction/);
    expect(() => parseStatement({ Effect: 'Maybe', Action: 'a:b', Resource: '*' })).toThrow(/Effect/);
    expect(parseStatement({ Sid: 'x', Effect: 'Allow', Action: ['a:b'], Resource: '*' })).toEqual({
      Effect: 'Allow',
      Action: ['a:b'],
      Resource: '*',
    });
  });
});

describe('requestedAccess', () => {
  it('single-item calls and queries name the table or the index', () => {
    expect(requestedAccess('DynamoDB_20120810.UpdateItem', { TableName: 'alleycat' }, scope)).toEqual([
      { action: 'dynamodb:UpdateItem', resource: TABLE },
    ]);
    expect(requestedAccess('DynamoDB_20120810.Query', { TableName: 'alleycat', IndexName: 'GSI1' }, scope)).toEqual([
      { action: 'dynamodb:Query', resource: `${TABLE}/index/GSI1` },
    ]);
  });
  it('batches need their action on every table; transactions the action of each part', () => {
    expect(
      requestedAccess('DynamoDB_20120810.BatchWriteItem', { RequestItems: { alleycat: [], other: [] } }, scope),
    ).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: TABLE },
      { action: 'dynamodb:BatchWriteItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/other' },
    ]);
    expect(
      requestedAccess(
        'DynamoDB_20120810.TransactWriteItems',
        {
          TransactItems: [
            { Put: { TableName: 'alleycat' } },
            { Update: { TableName: 'alleycat' } },
            { ConditionCheck: { TableName: 'alleycat' } },
            { Delete: { TableName: 'alleycat' } },
          ],
        },
        scope,
      )?.map((a) => a.action),
    ).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem']);
  });
  it('Kinesis calls name the stream by name or ARN', () => {
    expect(requestedAccess('Kinesis_20131202.PutRecords', { StreamName: 's' }, scope)).toEqual([
      { action: 'kinesis:PutRecords', resource: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' },
    ]);
    expect(
      requestedAccess('Kinesis_20131202.GetRecords', { StreamARN: 'arn:aws:kinesis:r:a:stream/t' }, scope),
    ).toEqual([{ action: 'kinesis:GetRecords', resource: 'arn:aws:kinesis:r:a:stream/t' }]);
  });
  it('an unknown service or a body that is not an object is not understood (and so refused)', () => {
    expect(requestedAccess('SomethingElse.Call', {}, scope)).toBeUndefined();
    expect(requestedAccess('DynamoDB_20120810.GetItem', 'text', scope)).toBeUndefined();
    expect(requestedAccess('', {}, scope)).toBeUndefined();
  });
});

describe('the refusal', () => {
  it("is AWS's AccessDeniedException with its message", () => {
    const call = {
      callerArn: 'arn:aws:sts::000000000000:assumed-role/R/aggregator',
      action: 'dynamodb:UpdateItem',
      resource: TABLE,
      decision: 'implicitDeny' as const,
    };
    expect(accessDeniedMessage(call)).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/R/aggregator is not authorized to perform: dynamodb:UpdateItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:UpdateItem action`,
    );
    expect(JSON.parse(accessDeniedBody(call))).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: accessDeniedMessage(call),
    });
    expect(accessDeniedMessage({ ...call, decision: 'explicitDeny' })).toMatch(
      /with an explicit deny in an identity-based policy$/,
    );
  });
});
