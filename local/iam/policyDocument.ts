/**
 * Identity-based IAM policies as CloudFormation writes them (AWS::IAM::Policy
 * PolicyDocument), and their evaluation for one request: an explicit Deny
 * wins, then any Allow, else the request is implicitly denied (IAM policy
 * evaluation logic for a single account without boundaries or SCPs).
 */
import { IamPolicyError } from './errors.js';

export type Effect = 'Allow' | 'Deny';

/** One statement, with its intrinsics already resolved to strings. */
export interface PolicyStatement {
  readonly Effect: Effect;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

const asList = (v: string | readonly string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

/** IAM wildcards: `*` any run of characters, `?` any one character; everything else literal. */
function wildcardRegExp(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** Action names are case-insensitive in IAM; resource ARNs are case-sensitive. */
const matchesAction = (pattern: string, action: string): boolean => wildcardRegExp(pattern, 'i').test(action);
const matchesResource = (pattern: string, resource: string): boolean => wildcardRegExp(pattern, '').test(resource);

/**
 * Checks a statement taken from a template: only the elements this
 * evaluator understands. A Condition, NotAction or NotResource would need
 * request context we do not model, so such a statement is refused rather
 * than read wrongly.
 */
export function parseStatement(raw: unknown): PolicyStatement {
  if (typeof raw !== 'object' || raw === null) throw new IamPolicyError('a policy statement must be an object');
  const s = raw as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!['Effect', 'Action', 'Resource', 'Sid'].includes(key)) {
      throw new IamPolicyError(`policy statement element ${key} is not supported by the local IAM check`);
    }
  }
  const isStrings = (v: unknown): v is string | string[] =>
    typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new IamPolicyError('Effect must be Allow or Deny');
  if (!isStrings(s.Action)) throw new IamPolicyError('Action must be a string or a list of strings');
  if (!isStrings(s.Resource)) throw new IamPolicyError('Resource must be a string or a list of strings');
  return { Effect: s.Effect, Action: s.Action, Resource: s.Resource };
}

/** The decision of a principal's statements for one action on one resource. */
export function evaluatePolicy(statements: readonly PolicyStatement[], action: string, resource: string): Decision {
  let allowed = false;
  for (const s of statements) {
    const hit =
      asList(s.Action).some((a) => matchesAction(a, action)) &&
      asList(s.Resource).some((r) => matchesResource(r, resource));
    if (!hit) continue;
    if (s.Effect === 'Deny') return 'explicitDeny';
    allowed = true;
  }
  return allowed ? 'allowed' : 'implicitDeny';
}
