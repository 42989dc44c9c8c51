/** Base64 of UTF-8 JSON without Node's Buffer (the SDK runs in browsers too). */

function bytesToBinary(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return binary;
}

/** Standard base64 of `JSON.stringify(value)`, as AWS clients put it in `?header=`. */
export function base64Json(value: unknown): string {
  return btoa(bytesToBinary(new TextEncoder().encode(JSON.stringify(value))));
}

/** Unpadded base64url, as used in the `header-…` subprotocol. */
export function base64UrlJson(value: unknown): string {
  return base64Json(value).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
