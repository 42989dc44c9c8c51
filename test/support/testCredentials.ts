/**
 * The IAM key pair of runtimes and fakes that tests start themselves (a stack
 * started by a test has its own, in `stack.endpoints.credentials`). Fresh per
 * test process, like a stack's.
 */
import { newLocalCredentials } from '../../local/credentials.js';

export const TEST_IAM_CREDENTIALS = newLocalCredentials();
