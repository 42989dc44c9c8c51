/** One local CA and a server certificate for 127.0.0.1 / localhost per test process (made on first use). */
import {
  createLocalCa,
  issueServerCertificate,
  LOOPBACK_NAMES,
  type CertifiedKey,
} from '../../../local/stack/localCertificates.js';

let made: Promise<{ ca: CertifiedKey; server: CertifiedKey }> | undefined;
let caCert: string | undefined;

export function testCertificates(): Promise<{ ca: CertifiedKey; server: CertifiedKey }> {
  made ??= createLocalCa().then(async (ca) => {
    caCert = ca.cert;
    return { ca, server: await issueServerCertificate(ca, LOOPBACK_NAMES) };
  });
  return made;
}

/** The test CA's certificate, for a client to trust; throws before `testCertificates` made it. */
export function testCaCert(): string {
  if (caCert === undefined) throw new Error('no TLS server was started, so there is no test CA to trust');
  return caCert;
}
