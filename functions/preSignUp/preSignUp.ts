/**
 * The riders' pool's sign-up rule, which Cognito cannot express itself: a
 * username is a racerId (^[A-Za-z0-9_-]{1,64}$, the key of every board) and
 * the `name` the boards show follows the display-name rule (core/displayName.ts).
 * Cognito refuses the sign-up with the trigger's error message
 * (UserLambdaValidationException). Riders sign up with nothing to verify (no
 * email or phone), so a sign-up the rule accepts is confirmed at once.
 */
import { displayNameProblem } from '../../core/displayName.js';
import { isRacerId } from '../../core/telemetry.js';

/** The parts of Cognito's PreSignUp event this rule reads and answers. */
export interface PreSignUpEvent {
  readonly triggerSource: string;
  readonly userName: string;
  readonly request: { readonly userAttributes: Readonly<Record<string, string>> };
  readonly response?: { autoConfirmUser?: boolean; autoVerifyEmail?: boolean; autoVerifyPhone?: boolean };
}

/** A sign-up the rule refuses; Cognito shows `message` to the caller. */
export class SignUpRefusedError extends Error {
  override readonly name = 'SignUpRefusedError';
}

/** Why a sign-up is refused, or null when it may go ahead. */
export function signUpRefusal(event: PreSignUpEvent): string | null {
  if (!isRacerId(event.userName)) return 'username must be a racerId: 1..64 of A-Z a-z 0-9 _ -';
  const name = event.request.userAttributes['name'];
  if (typeof name !== 'string' || name.trim().length === 0) return 'name must be 1..40 characters';
  const problem = displayNameProblem(name);
  return problem === null ? null : `name ${problem}`;
}

/** The event answered: confirmed at once (an administrator's AdminCreateUser keeps its own flow). */
export function acceptedSignUp<E extends PreSignUpEvent>(event: E): E {
  if (event.triggerSource !== 'PreSignUp_SignUp') return event;
  return { ...event, response: { ...event.response, autoConfirmUser: true } };
}
