/** A sign-up or sign-in the user pool refused, with a message a rider can act on. */
import { isRecord } from '../../../lib/isRecord.js';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    message: string,
    /** The user pool's exception name (e.g. NotAuthorizedException), when it answered one. */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MESSAGES: Record<string, string> = {
  UsernameExistsException: 'That rider id is taken: choose another, or sign in if it is yours.',
  NotAuthorizedException: 'Wrong rider id or password.',
  UserNotFoundException: 'Wrong rider id or password.',
  UserNotConfirmedException: 'This account is not confirmed yet.',
  TooManyRequestsException: 'Too many attempts: wait a moment and try again.',
  LimitExceededException: 'Too many attempts: wait a moment and try again.',
};

/** The sign-up rule's own words out of Cognito's "<trigger> failed with error <message>." */
function triggerMessage(message: string): string {
  const marker = ' failed with error ';
  const at = message.indexOf(marker);
  const own = (at < 0 ? message : message.slice(at + marker.length)).replace(/\.$/, '');
  return `${own.charAt(0).toUpperCase()}${own.slice(1)}.`;
}

/** The AuthError of whatever the SDK threw; the pool's own message where there is no better one. */
export function authErrorOf(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  const code = isRecord(err) && typeof err.name === 'string' ? err.name : undefined;
  if (code === 'UserLambdaValidationException' && err instanceof Error) {
    return new AuthError(triggerMessage(err.message), code, { cause: err });
  }
  const known = code === undefined ? undefined : MESSAGES[code];
  if (known) return new AuthError(known, code, { cause: err });
  const message = err instanceof Error && err.message ? err.message : 'The user pool could not be reached';
  return new AuthError(message, code, { cause: err });
}
