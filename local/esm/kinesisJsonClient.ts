/**
 * GetRecords over Kinesis's JSON protocol without the SDK's per-record
 * deserialization: the records' `Data` stays the base64 text Lambda puts in
 * the event (the SDK would decode it to bytes, and the event needs it
 * re-encoded). Requests are SigV4-signed like the SDK's. Used by the local
 * mappings for throughput; everything else goes through the SDK client.
 */
import http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RawKinesisRecord {
  SequenceNumber: string;
  ApproximateArrivalTimestamp: number;
  Data: string;
  PartitionKey: string;
}

export interface RawGetRecordsOutput {
  Records: RawKinesisRecord[];
  NextShardIterator?: string;
  MillisBehindLatest?: number;
}

/** An error answered by Kinesis (`__type`, e.g. ExpiredIteratorException). */
export class KinesisServiceError extends Error {
  override readonly name: string;
  constructor(type: string, message: string, readonly statusCode: number) {
    super(message);
    this.name = type;
  }
}

export interface KinesisJsonClientOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface KinesisJsonClient {
  getRecords(shardIterator: string, limit: number): Promise<RawGetRecordsOutput>;
  destroy(): void;
}

function isOutput(v: unknown): v is RawGetRecordsOutput {
  return typeof v === 'object' && v !== null && Array.isArray((v as RawGetRecordsOutput).Records);
}

export function kinesisJsonClient(o: KinesisJsonClientOptions): KinesisJsonClient {
  const url = new URL(o.endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const signer = new SignatureV4({ service: 'kinesis', region: o.region, credentials: o.credentials, sha256: Sha256 });
  return {
    async getRecords(shardIterator, limit) {
      const body = JSON.stringify({ ShardIterator: shardIterator, Limit: limit });
      const request = new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.GetRecords',
        },
        body,
      });
      const signed = await signer.sign(request);
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          { host: url.hostname, port: url.port, path: '/', method: 'POST', headers: signed.headers, agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      const json: unknown = text === '' ? {} : JSON.parse(text);
      if (status >= 400) {
        const e = json as { __type?: unknown; message?: unknown; Message?: unknown };
        const type = typeof e.__type === 'string' ? e.__type.split('#').pop() ?? e.__type : `HTTP${status}`;
        const message =
          typeof e.message === 'string' ? e.message : typeof e.Message === 'string' ? e.Message : text.slice(0, 300);
        throw new KinesisServiceError(type, message, status);
      }
      if (!isOutput(json))
        throw new KinesisServiceError('MalformedResponse', `GetRecords answered ${text.slice(0, 200)}`, status);
      return json;
    },
    destroy: () => agent.destroy(),
  };
}
