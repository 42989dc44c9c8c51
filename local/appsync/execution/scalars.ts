/**
 * AppSync's built-in scalars [DOC scalars]: AWSDate, AWSTime, AWSDateTime
 * (ISO 8601 extended format, offset required on AWSDateTime), AWSTimestamp
 * (epoch seconds), AWSEmail, AWSJSON (a JSON document sent as a string),
 * AWSURL, AWSPhone, AWSIPAddress — with their input validation.
 */
import { GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';

/** SDL of AppSync's scalars and directives, added to a schema that does not declare them. */
export const APPSYNC_DEFINITIONS: Record<string, string> = {
  AWSDate: 'scalar AWSDate',
  AWSTime: 'scalar AWSTime',
  AWSDateTime: 'scalar AWSDateTime',
  AWSTimestamp: 'scalar AWSTimestamp',
  AWSEmail: 'scalar AWSEmail',
  AWSJSON: 'scalar AWSJSON',
  AWSURL: 'scalar AWSURL',
  AWSPhone: 'scalar AWSPhone',
  AWSIPAddress: 'scalar AWSIPAddress',
  aws_api_key: 'directive @aws_api_key on FIELD_DEFINITION | OBJECT',
  aws_iam: 'directive @aws_iam on FIELD_DEFINITION | OBJECT',
  aws_oidc: 'directive @aws_oidc on FIELD_DEFINITION | OBJECT',
  aws_lambda: 'directive @aws_lambda on FIELD_DEFINITION | OBJECT',
  aws_cognito_user_pools: 'directive @aws_cognito_user_pools(cognito_groups: [String!]) on FIELD_DEFINITION | OBJECT',
  aws_auth: 'directive @aws_auth(cognito_groups: [String!]!) on FIELD_DEFINITION',
  aws_subscribe: 'directive @aws_subscribe(mutations: [String!]!) on FIELD_DEFINITION',
};

const DATE = /^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2}(:\d{2})?)?$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}(:\d{2})?)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}(:\d{2})?)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-.]{3,}$/;
const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;

function validDateParts(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return true;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function isUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol.length > 1;
  } catch (err) {
    void err;
    return false;
  }
}

function isIp(text: string): boolean {
  if (IPV4.test(text))
    return text
      .split('/')[0]!
      .split('.')
      .every((p) => Number(p) <= 255);
  return /^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(text) && text.includes(':');
}

type Check = (value: unknown) => unknown;

function stringCheck(name: string, ok: (s: string) => boolean): Check {
  return (value) => {
    if (typeof value !== 'string' || !ok(value))
      throw new GraphQLError(`Variable has an invalid value: '${String(value)}' is not a valid '${name}'`);
    return value;
  };
}

const CHECKS: Record<string, Check> = {
  AWSDate: stringCheck('AWSDate', (s) => DATE.test(s) && validDateParts(s)),
  AWSTime: stringCheck('AWSTime', (s) => TIME.test(s)),
  AWSDateTime: stringCheck('AWSDateTime', (s) => DATETIME.test(s) && validDateParts(s) && !Number.isNaN(Date.parse(s))),
  AWSEmail: stringCheck('AWSEmail', (s) => EMAIL.test(s)),
  AWSURL: stringCheck('AWSURL', isUrl),
  AWSPhone: stringCheck('AWSPhone', (s) => PHONE.test(s)),
  AWSIPAddress: stringCheck('AWSIPAddress', isIp),
  AWSTimestamp: (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw new GraphQLError(`'${String(value)}' is not a valid 'AWSTimestamp'`);
    return value;
  },
  AWSJSON: (value) => {
    if (typeof value !== 'string') throw new GraphQLError(`'${String(value)}' is not a valid 'AWSJSON'`);
    try {
      return JSON.parse(value) as unknown;
    } catch (err) {
      throw new GraphQLError(`'${value}' is not a valid 'AWSJSON'`, { originalError: err as Error });
    }
  },
};

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
      return node.value;
    case Kind.INT:
      return Number(node.value);
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    default:
      return undefined;
  }
}

function serializeChecked(name: string, check: Check, value: unknown): unknown {
  try {
    return check(value);
  } catch (err) {
    throw new GraphQLError(`Can't serialize value: '${String(value)}' is not a valid '${name}'`, {
      originalError: err as Error,
    });
  }
}

/** Gives the schema's AppSync scalars their validation and serialisation. */
export function installAppSyncScalars(schema: GraphQLSchema): void {
  for (const [name, check] of Object.entries(CHECKS)) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLScalarType)) continue;
    const mutable = type as { -readonly [K in keyof GraphQLScalarType]: GraphQLScalarType[K] };
    mutable.parseValue = check;
    mutable.parseLiteral = (node) => check(literalValue(node));
    // AWSJSON goes out as a JSON string; the others are validated on the way out
    // too (AppSync refuses to serialise e.g. a malformed AWSDateTime).
    mutable.serialize =
      name === 'AWSJSON'
        ? (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))
        : (v: unknown) => serializeChecked(name, check, v);
  }
}
