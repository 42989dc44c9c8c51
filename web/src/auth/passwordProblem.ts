/**
 * The riders' pool's password policy (the one CDK deploys), checked in the
 * page so a rider learns what is missing before the pool refuses.
 */
import { USER_POOL } from '../../../infra/settings.js';

/** What the password lacks, or null. */
export function passwordProblem(password: string): string | null {
  const p = USER_POOL.passwordPolicy;
  const missing: string[] = [];
  if (p.requireLowercase && !/[a-z]/.test(password)) missing.push('a lower-case letter');
  if (p.requireUppercase && !/[A-Z]/.test(password)) missing.push('an upper-case letter');
  if (p.requireDigits && !/[0-9]/.test(password)) missing.push('a digit');
  if (p.requireSymbols && !/[^A-Za-z0-9\s]/.test(password)) missing.push('a symbol');
  if (password.length < p.minLength) return `at least ${p.minLength} characters, with ${describe(missing)}`;
  return missing.length === 0 ? null : `needs ${describe(missing)}`;
}

/** The policy in words, for the field's help. */
export function passwordHelp(): string {
  const p = USER_POOL.passwordPolicy;
  const parts = [
    p.requireLowercase ? 'lower-case' : null,
    p.requireUppercase ? 'upper-case' : null,
    p.requireDigits ? 'a digit' : null,
    p.requireSymbols ? 'a symbol' : null,
  ].filter((x): x is string => x !== null);
  return `At least ${p.minLength} characters with ${parts.join(', ')}.`;
}

function describe(items: string[]): string {
  if (items.length === 0) return 'any characters';
  if (items.length === 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
