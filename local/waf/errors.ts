/** Errors of the local WAF. */

/** A rule AWS WAF would refuse to create. */
export class WafConfigError extends Error {
  override readonly name = 'WafConfigError';
}
