/**
 * The user pool's PreSignUp trigger: a rider's username is their racerId and
 * their `name` is shown on every board, so both must pass the rules telemetry
 * and names follow everywhere else. Cognito cannot check either itself.
 * Riders sign up with nothing to verify (no email or phone), so a valid
 * sign-up is confirmed at once.
 */
import { displayNameProblem } from '../../core/displayName.js';
import { isRacerId } from '../../core/telemetry.js';
import { isRecord } from '../../lib/isRecord.js';

/** The part of Cognito's PreSignUp event the trigger reads and answers. */
export interface PreSignUpEvent {
  triggerSource: string;
  userName: string;
  request: { userAttributes: Record<string, string> };
  response: { autoConfirmUser?: boolean; autoVerifyEmail?: boolean; autoVerifyPhone?: boolean };
}

/** A sign-up the rules refuse; Cognito hands the message to the rider ("PreSignUp failed with error …"). */
export class SignUpRefusedError extends Error {
  override readonly name = 'SignUpRefusedError';
}

function attributesOf(event: unknown): Record<string, unknown> {
  if (!isRecord(event) || !isRecord(event.request) || !isRecord(event.request.userAttributes)) return {};
  return event.request.userAttributes;
}

/** The event with its response filled in, or SignUpRefusedError. */
export function preSignUp(event: unknown): PreSignUpEvent {
  if (!isRecord(event) || typeof event.userName !== 'string' || typeof event.triggerSource !== 'string') {
    throw new SignUpRefusedError('not a PreSignUp event');
  }
  if (!isRacerId(event.userName)) {
    throw new SignUpRefusedError('Rider id must be 1 to 64 letters, digits, "_" or "-".');
  }
  const problem = displayNameProblem(attributesOf(event).name);
  if (problem !== null) throw new SignUpRefusedError(`Name ${problem}.`);
  const answered = event as unknown as PreSignUpEvent;
  return { ...answered, response: { ...answered.response, autoConfirmUser: true } };
}
