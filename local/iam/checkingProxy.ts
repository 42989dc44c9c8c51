/**
 * A checking proxy in front of an emulator of an AWS JSON-protocol service
 * (DynamoDB Local, kinesalite), which check no credentials: it does what IAM
 * does before such a service sees a call. The caller is the role session
 * whose key pair signed the request (signature verified); every action and
 * resource ARN the request needs is evaluated against that role's
 * statements, and a call any of them does not allow gets AWS's
 * AccessDeniedException instead of reaching the emulator. Allowed calls are
 * forwarded byte for byte.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from '../appsync/auth/sigv4Verify.js';
import { accessDeniedBody, type DeniedCall } from './accessDenied.js';
import { evaluatePolicy } from './policyDocument.js';
import { assumedRoleArn, type RolePrincipal } from './principal.js';
import { requestedAccess } from './requestedAccess.js';

export interface CheckingProxyOptions {
  /** The emulator, e.g. `http://127.0.0.1:8000`. */
  readonly upstream: string;
  /** The SigV4 signing name of the service (`dynamodb`, `kinesis`). */
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  /** The role sessions that may call through this proxy. */
  readonly principals: readonly RolePrincipal[];
  readonly host?: string;
  /** Told about every refused call (the terminal, tests). */
  readonly onDenied?: (call: DeniedCall) => void;
}

export interface CheckingProxy {
  readonly endpoint: string;
  /** Calls refused so far. */
  readonly denied: number;
  /** Calls checked and forwarded so far. */
  readonly allowed: number;
  stop(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  dynamodb: 'application/x-amz-json-1.0',
  kinesis: 'application/x-amz-json-1.1',
};

function refuse(res: http.ServerResponse, service: string, body: string): void {
  res.writeHead(400, {
    'content-type': CONTENT_TYPES[service] ?? 'application/json',
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

/** Starts the proxy on a free loopback port. */
export async function startCheckingProxy(o: CheckingProxyOptions): Promise<CheckingProxy> {
  const upstream = new URL(o.upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const byKey = new Map(o.principals.map((p) => [p.accessKeyId, p]));
  let denied = 0;
  let allowed = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const headers = flatHeaders(req.headers);
      const [path = '/', query] = (req.url ?? '/').split('?');
      const verified = verifySigV4(
        { method: req.method ?? 'POST', path, query, headers, body: raw.toString('utf8') },
        { service: o.service, region: o.region, now: Date.now(), secretFor: (id) => byKey.get(id)?.secretAccessKey },
      );
      if (!verified.ok) {
        const f = verified.failure;
        const unknown = f.kind === 'unknownKey' || f.kind === 'missing';
        const message = unknown
          ? 'The security token included in the request is invalid.'
          : 'message' in f
          ? f.message
          : 'The request signature we calculated does not match the signature you provided.';
        const type = unknown ? 'UnrecognizedClientException' : 'InvalidSignatureException';
        refuse(res, o.service, JSON.stringify({ __type: type, message }));
        return;
      }
      // verifySigV4 only succeeds for a key secretFor knows.
      const principal = byKey.get(verified.accessKeyId) as RolePrincipal;
      const target = headers['x-amz-target'] ?? '';
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined;
      }
      const scope = { region: o.region, accountId: o.accountId };
      const accesses = requestedAccess(target, body, scope) ?? [
        { action: `${o.service}:${target.split('.')[1] ?? target}`, resource: '*' },
      ];
      for (const access of accesses) {
        const decision = evaluatePolicy(principal.statements, access.action, access.resource);
        if (decision === 'allowed') continue;
        const call: DeniedCall = { callerArn: assumedRoleArn(principal), ...access, decision };
        denied += 1;
        o.onDenied?.(call);
        refuse(res, o.service, accessDeniedBody(call));
        return;
      }
      allowed += 1;
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent,
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on('error', () => {
        // The emulator went away: the client sees a dropped connection, as it would without the proxy.
        res.destroy();
      });
      forward.end(raw);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, o.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${o.host ?? '127.0.0.1'}:${port}`,
    get denied() {
      return denied;
    },
    get allowed() {
      return allowed;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
