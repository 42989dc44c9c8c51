/**
 * The stack's local CA and server certificate: made once per state folder in
 * 0600 files, reused while usable, renewed before they expire or when they no
 * longer fit, and accepted by a real TLS client that trusts the CA (and by no
 * client that does not).
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { CA_VALIDITY_DAYS, SERVER_VALIDITY_DAYS } from '../../local/stack/localCertificates.js';
import { loadOrCreateStackTls, serverNames, TLS_DIR } from '../../local/stack/stackTls.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-tls-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DAY_MS = 86_400_000;
const modeOf = (p: string): number => fs.statSync(p).mode & 0o777;
const FILES = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem'];

/**
 * Connects to 127.0.0.1:`port` over TLS as a client that asked for `name`
 * (an IP address is checked as the address itself, a host name through SNI),
 * trusting `ca` (or only the system's roots), and resolves with the outcome.
 */
function handshake(port: number, name: string, ca?: string): Promise<string> {
  return new Promise((resolve) => {
    const target = net.isIP(name) ? {} : { servername: name };
    // checkServerIdentity is what a client runs against the name it dialled.
    const checkServerIdentity = (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(name, cert);
    const socket = tls.connect(
      { port, host: '127.0.0.1', ...target, checkServerIdentity, ...(ca ? { ca } : {}) },
      () => {
        resolve(socket.authorized ? 'authorized' : `unauthorized`);
        socket.end();
      },
    );
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('the local CA and server certificate', () => {
  it('are made once per state folder, 0600 files in a 0700 folder, and reused as they are', async () => {
    const dir = path.join(tmp, 'fresh');
    const now = Date.now();
    const first = await loadOrCreateStackTls(dir, '127.0.0.1', now);
    expect(first.caFile).toBe(path.join(dir, TLS_DIR, 'ca.pem'));
    expect(path.isAbsolute(first.caFile)).toBe(true);
    expect(modeOf(path.join(dir, TLS_DIR))).toBe(0o700);
    for (const f of FILES) expect(modeOf(path.join(dir, TLS_DIR, f))).toBe(0o600);
    expect(fs.readFileSync(first.caFile, 'utf8')).toBe(first.ca.cert);

    const ca = new X509Certificate(first.ca.cert);
    const server = new X509Certificate(first.server.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(Date.parse(server.validTo) - now).toBeGreaterThan((SERVER_VALIDITY_DAYS - 1) * DAY_MS);
    expect(Date.parse(ca.validTo) - now).toBeGreaterThan((CA_VALIDITY_DAYS - 1) * DAY_MS);
    // Valid already for a client whose clock is a little behind.
    expect(Date.parse(server.validFrom)).toBeLessThan(now - 60_000);

    const again = await loadOrCreateStackTls(dir, '127.0.0.1', now + DAY_MS);
    expect(again).toEqual(first);
    // Another folder: another CA.
    const other = await loadOrCreateStackTls(path.join(tmp, 'other'), '127.0.0.1', now);
    expect(other.ca.cert).not.toBe(first.ca.cert);
  });

  it('renews the server certificate before it expires, keeping the CA a browser may trust', async () => {
    const dir = path.join(tmp, 'renew');
    const now = Date.now();
    const first = await loadOrCreateStackTls(dir, '127.0.0.1', now);
    const later = now + (SERVER_VALIDITY_DAYS - 3) * DAY_MS;
    const renewed = await loadOrCreateStackTls(dir, '127.0.0.1', later);
    expect(renewed.ca).toEqual(first.ca);
    expect(renewed.server.cert).not.toBe(first.server.cert);
    expect(Date.parse(new X509Certificate(renewed.server.cert).validTo)).toBeGreaterThan(later + 300 * DAY_MS);

    // A CA near its end is replaced, and so is the certificate it signed.
    const muchLater = now + (CA_VALIDITY_DAYS - 10) * DAY_MS;
    const fresh = await loadOrCreateStackTls(dir, '127.0.0.1', muchLater);
    expect(fresh.ca.cert).not.toBe(first.ca.cert);
    expect(new X509Certificate(fresh.server.cert).checkIssued(new X509Certificate(fresh.ca.cert))).toBe(true);
  });

  it('replaces what is unusable and narrows what an older run left world-readable', async () => {
    const dir = path.join(tmp, 'broken');
    const first = await loadOrCreateStackTls(dir, '127.0.0.1');
    const tlsDir = path.join(dir, TLS_DIR);
    for (const f of FILES) fs.chmodSync(path.join(tlsDir, f), 0o644);
    expect(await loadOrCreateStackTls(dir, '127.0.0.1')).toEqual(first);
    for (const f of FILES) expect(modeOf(path.join(tlsDir, f))).toBe(0o600);

    // A server key that is not the certificate's: a new server certificate, same CA.
    fs.writeFileSync(path.join(tlsDir, 'server-key.pem'), first.ca.key);
    const rekeyed = await loadOrCreateStackTls(dir, '127.0.0.1');
    expect(rekeyed.ca).toEqual(first.ca);
    expect(rekeyed.server.cert).not.toBe(first.server.cert);

    // A CA file that is not a certificate: a new CA and server certificate.
    fs.writeFileSync(path.join(tlsDir, 'ca.pem'), 'not a certificate');
    const remade = await loadOrCreateStackTls(dir, '127.0.0.1');
    expect(remade.ca.cert).not.toBe(first.ca.cert);
    expect(remade.server.cert).not.toBe(rekeyed.server.cert);

    // A server certificate signed by another CA is not kept.
    const foreign = await loadOrCreateStackTls(path.join(tmp, 'foreign'), '127.0.0.1');
    fs.writeFileSync(path.join(tlsDir, 'server.pem'), foreign.server.cert);
    fs.writeFileSync(path.join(tlsDir, 'server-key.pem'), foreign.server.key);
    const own = await loadOrCreateStackTls(dir, '127.0.0.1');
    expect(own.ca).toEqual(remade.ca);
    expect(own.server.cert).not.toBe(foreign.server.cert);
    expect(new X509Certificate(own.server.cert).checkIssued(new X509Certificate(own.ca.cert))).toBe(true);
  });

  it('covers a bind address other than loopback (a wildcard is no name a client uses)', async () => {
    expect(serverNames('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(serverNames('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(serverNames('::')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(serverNames('192.0.2.7')).toEqual(['localhost', '127.0.0.1', '::1', '192.0.2.7']);
    const dir = path.join(tmp, 'host');
    const loopback = await loadOrCreateStackTls(dir, '127.0.0.1');
    const lan = await loadOrCreateStackTls(dir, 'devbox.test');
    expect(lan.ca).toEqual(loopback.ca);
    expect(new X509Certificate(lan.server.cert).checkHost('devbox.test')).toBe('devbox.test');
    // Loopback stays covered, so going back needs no new certificate.
    expect(await loadOrCreateStackTls(dir, '127.0.0.1')).toEqual(lan);
  });

  it('is accepted by a TLS client that trusts the CA, on every loopback name, and refused by one that does not', async () => {
    const { ca, server } = await loadOrCreateStackTls(path.join(tmp, 'handshake'), '127.0.0.1');
    const httpsServer = https.createServer({ cert: server.cert, key: server.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
    const { port } = httpsServer.address() as AddressInfo;
    try {
      for (const name of ['localhost', '127.0.0.1', '::1'])
        expect(await handshake(port, name, ca.cert)).toBe('authorized');
      expect(await handshake(port, 'example.com', ca.cert)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      expect(await handshake(port, '10.0.0.1', ca.cert)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      expect(await handshake(port, 'localhost')).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      const other = await loadOrCreateStackTls(path.join(tmp, 'handshake-other'), '127.0.0.1');
      expect(await handshake(port, 'localhost', other.ca.cert)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await new Promise<void>((resolve) => httpsServer.close(() => resolve()));
    }
  });
});
