/**
 * SHA-256 (HMAC-SHA-256 when given a secret) on node:crypto, in the shape
 * SignatureV4 takes (`update`, `digest`, `reset`): native hashing, where a
 * pure-JS hash is slow on a snapshot body of ~100 KB.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** What SignatureV4 hashes and keys with. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** A SHA-256 checksum (HMAC when `secret` is given). */
export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }

  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    const out = this.hash.digest();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  reset(): void {
    this.hash = this.fresh();
  }
}
