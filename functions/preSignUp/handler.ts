/** Lambda entry of the riders' pool's PreSignUp trigger: the event answered, or the refusal thrown. */
import { acceptedSignUp, signUpRefusal, SignUpRefusedError, type PreSignUpEvent } from './preSignUp.js';

export function handler<E extends PreSignUpEvent>(event: E): Promise<E> {
  const refusal = signUpRefusal(event);
  if (refusal !== null) return Promise.reject(new SignUpRefusedError(refusal));
  return Promise.resolve(acceptedSignUp(event));
}
