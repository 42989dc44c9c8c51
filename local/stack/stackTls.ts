/**
 * The stack's TLS material, kept in `<stateDir>/tls/` (0600 files in a 0700
 * folder): the local CA (`ca.pem`, `ca-key.pem`) made on first start, and the
 * server certificate it issues for the loopback names (`server.pem`,
 * `server-key.pem`). Both are reused on every restart, with `--in-memory` too,
 * so that a CA the user trusted once stays trusted; each is replaced only
 * when it is unusable or about to expire (a new CA also means a new server
 * certificate). `--reset` leaves them alone: it deletes data only.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  caIsUsable,
  createLocalCa,
  issueServerCertificate,
  LOOPBACK_NAMES,
  newKeyPair,
  serverCertificateIsUsable,
  type CertifiedKey,
} from './localCertificates.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writePrivateFile } from './privateFiles.js';

export const TLS_DIR = 'tls';

/** What the HTTPS server needs, and where clients find the CA to trust. */
export interface StackTls {
  /** Absolute path of the CA certificate (NODE_EXTRA_CA_CERTS, the browser's certificate import). */
  readonly caFile: string;
  readonly ca: CertifiedKey;
  readonly server: CertifiedKey;
}

const DAY_MS = 86_400_000;
/** A CA this close to its end is replaced before clients would start refusing it. */
const CA_RENEW_BEFORE_MS = 30 * DAY_MS;
const SERVER_RENEW_BEFORE_MS = 7 * DAY_MS;

function readPair(certFile: string, keyFile: string): CertifiedKey | undefined {
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) return undefined;
  fs.chmodSync(certFile, PRIVATE_FILE_MODE);
  fs.chmodSync(keyFile, PRIVATE_FILE_MODE);
  return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
}

function writePair(certFile: string, keyFile: string, pair: CertifiedKey): void {
  // The key first: a cert file never names a key that is not there yet.
  writePrivateFile(keyFile, pair.key);
  writePrivateFile(certFile, pair.cert);
}

/** The names the server certificate must cover: loopback, and the bind address unless it is a wildcard. */
export function serverNames(host: string): string[] {
  const names = [...LOOPBACK_NAMES];
  if (host !== '0.0.0.0' && host !== '::' && !names.includes(host)) names.push(host);
  return names;
}

/** Loads the CA and server certificate kept in `stateDir`, making or renewing what is missing or unusable. */
export async function loadOrCreateStackTls(
  stateDir: string,
  host: string,
  now: number = Date.now(),
): Promise<StackTls> {
  const dir = path.join(stateDir, TLS_DIR);
  ensurePrivateDir(dir);
  const caFile = path.join(dir, 'ca.pem');
  const caKeyFile = path.join(dir, 'ca-key.pem');
  const serverFile = path.join(dir, 'server.pem');
  const serverKeyFile = path.join(dir, 'server-key.pem');
  const names = serverNames(host);

  const stored = readPair(caFile, caKeyFile);
  if (stored === undefined || !caIsUsable(stored, now, CA_RENEW_BEFORE_MS)) {
    // A new CA means a new server certificate too: both key pairs are made at once.
    const [ca, serverKeys] = await Promise.all([createLocalCa(now), newKeyPair()]);
    writePair(caFile, caKeyFile, ca);
    const server = await issueServerCertificate(ca, names, now, serverKeys);
    writePair(serverFile, serverKeyFile, server);
    return { caFile, ca, server };
  }
  const ca = stored;
  let server = readPair(serverFile, serverKeyFile);
  if (server === undefined || !serverCertificateIsUsable(server, ca, names, now, SERVER_RENEW_BEFORE_MS)) {
    server = await issueServerCertificate(ca, names, now);
    writePair(serverFile, serverKeyFile, server);
  }
  return { caFile, ca, server };
}
