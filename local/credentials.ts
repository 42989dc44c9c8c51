/**
 * The local IAM principal and region. Requests to the local emulators and the
 * IAM-only GraphQL fields are SigV4-signed with these, as on AWS.
 * Not a secret: they only work against servers on 127.0.0.1 of this machine.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
