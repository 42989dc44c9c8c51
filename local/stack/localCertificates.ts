/**
 * A local certificate authority and the server certificate it issues for the
 * stack's loopback names, so that clients that only speak https:// and wss://
 * (Amplify derives wss:// from the GraphQL URL) can reach the local stack once
 * the user trusts the CA. Keys come from Node's crypto (RSA 2048, which every
 * TLS client and browser accepts); node-forge builds and signs the
 * certificates; Node's X509Certificate checks stored ones.
 */
import { createPrivateKey, generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import net from 'node:net';
import { promisify } from 'node:util';
import forge from 'node-forge';

/** A certificate and its private key, PEM-encoded. */
export interface CertifiedKey {
  readonly cert: string;
  readonly key: string;
}

const DAY_MS = 86_400_000;
/** The CA outlives many server certificates: a browser that trusts it keeps trusting the stack. */
export const CA_VALIDITY_DAYS = 3650;
/** Within the 398 days browsers accept for a server certificate. */
export const SERVER_VALIDITY_DAYS = 365;
/** Validity starts a little in the past, so a client whose clock is behind accepts a fresh certificate. */
const BACKDATE_MS = DAY_MS;

/** The names every server certificate covers; the stack adds its bind address when it is another one. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const generateRsaKeyPair = promisify(generateKeyPair);

/** A fresh RSA key pair (made on libuv's thread pool: two can be made at once). */
export interface KeyPair {
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly publicKey: forge.pki.rsa.PublicKey;
  /** The private key, PKCS#8 PEM. */
  readonly pem: string;
}

export async function newKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    pem: privateKey,
  };
}

/** A random positive serial number (RFC 5280: at most 20 octets, unique per CA). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, now: number, days: number): void {
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + days * DAY_MS);
}

/** A self-signed CA that may sign server certificates only (path length 0). */
export async function createLocalCa(now: number = Date.now()): Promise<CertifiedKey> {
  const keys = await newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, now, CA_VALIDITY_DAYS);
  // A distinct name per CA, so that one trusted in a browser can be told apart from an older one.
  const subject = [
    { name: 'commonName', value: `Alleycat local CA ${cert.serialNumber.slice(0, 8)}` },
    { name: 'organizationName', value: 'Alleycat local stack' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.pem };
}

/** A server certificate for `names` (host names and IP addresses), signed by `ca`, for `keys` (default: new ones). */
export async function issueServerCertificate(
  ca: CertifiedKey,
  names: readonly string[],
  now: number = Date.now(),
  keys?: KeyPair,
): Promise<CertifiedKey> {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  keys ??= await newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, now, SERVER_VALIDITY_DAYS);
  cert.setSubject([{ name: 'commonName', value: names[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // Clients match the names here, never the common name.
    { name: 'subjectAltName', altNames: names.map((n) => (net.isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.pem };
}

function parsed(pair: CertifiedKey): X509Certificate | undefined {
  try {
    const cert = new X509Certificate(pair.cert);
    return cert.checkPrivateKey(createPrivateKey(pair.key)) ? cert : undefined;
  } catch (error) {
    // A file that is not a PEM certificate or key is replaced, like any other unusable one.
    if (error instanceof Error && 'code' in error) return undefined;
    throw error;
  }
}

function validFor(cert: X509Certificate, now: number, remainingMs: number): boolean {
  return Date.parse(cert.validFrom) <= now && Date.parse(cert.validTo) > now + remainingMs;
}

/** A stored CA is kept while it parses, matches its key, is a CA, and has more than `remainingMs` to live. */
export function caIsUsable(ca: CertifiedKey, now: number, remainingMs: number): boolean {
  const cert = parsed(ca);
  return cert !== undefined && cert.ca && validFor(cert, now, remainingMs);
}

/**
 * A stored server certificate is kept while it matches its key, was signed by
 * `ca`, covers every name in `names`, and has more than `remainingMs` to live.
 */
export function serverCertificateIsUsable(
  server: CertifiedKey,
  ca: CertifiedKey,
  names: readonly string[],
  now: number,
  remainingMs: number,
): boolean {
  const cert = parsed(server);
  if (cert === undefined || !validFor(cert, now, remainingMs)) return false;
  if (!cert.checkIssued(new X509Certificate(ca.cert)) || !cert.verify(new X509Certificate(ca.cert).publicKey))
    return false;
  return names.every((n) => (net.isIP(n) ? cert.checkIP(n) !== undefined : cert.checkHost(n) !== undefined));
}
