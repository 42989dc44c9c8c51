/** Lambda entry of the user pool's PreSignUp trigger (see preSignUp.ts). */
import { preSignUp, type PreSignUpEvent } from './preSignUp.js';

export function handler(event: unknown): Promise<PreSignUpEvent> {
  return Promise.resolve(preSignUp(event));
}
