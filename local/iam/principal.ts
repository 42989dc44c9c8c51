/**
 * A role session as the local IAM check knows it: the key pair its calls are
 * signed with, the role and session names its ARN is made of, and the role's
 * statements.
 */
import type { PolicyStatement } from './policyDocument.js';

export interface RolePrincipal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
  readonly roleName: string;
  /** Lambda names the session after the function; AppSync after its own request. */
  readonly sessionName: string;
  readonly statements: readonly PolicyStatement[];
}

/** `arn:aws:sts::<account>:assumed-role/<role>/<session>`, the caller ARN AWS reports. */
export function assumedRoleArn(p: Pick<RolePrincipal, 'accountId' | 'roleName' | 'sessionName'>): string {
  return `arn:aws:sts::${p.accountId}:assumed-role/${p.roleName}/${p.sessionName}`;
}
