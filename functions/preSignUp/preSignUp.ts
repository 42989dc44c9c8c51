/**
 * The riders' pool's sign-up rule, which Cognito cannot express itself: a
 * username is a racerId (^[A-Za-z0-9_-]{1,64}$, the key of every board) and
 * the `name` the boards show is 1..40 characters. Cognito refuses the sign-up
 * with the trigger's error message (UserLambdaValidationException).
 */
import { isRacerId, TELEMETRY_LIMITS } from '../../core/telemetry.js';

/** The parts of Cognito's PreSignUp event this rule reads. */
export interface PreSignUpEvent {
  readonly triggerSource: string;
  readonly userName: string;
  readonly request: { readonly userAttributes: Readonly<Record<string, string>> };
}

/** A sign-up the rule refuses; Cognito shows `message` to the caller. */
export class SignUpRefusedError extends Error {
  override readonly name = 'SignUpRefusedError';
}

/** Why a sign-up is refused, or null when it may go ahead. */
export function signUpRefusal(event: PreSignUpEvent): string | null {
  if (!isRacerId(event.userName)) return 'username must be a racerId: 1..64 of A-Z a-z 0-9 _ -';
  const name = event.request.userAttributes['name'];
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > TELEMETRY_LIMITS.nameMaxLength) {
    return `name must be 1..${TELEMETRY_LIMITS.nameMaxLength} characters`;
  }
  return null;
}
