/** Errors of the local IAM check. */

/** A policy the local check cannot evaluate faithfully. */
export class IamPolicyError extends Error {
  override readonly name = 'IamPolicyError';
}
