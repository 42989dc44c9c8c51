/** util.base64*, util.urlEncode/urlDecode, util.escapeJavaScript, util.matches, util.str.normalize. */

/** UTF-8 string → base64. */
export function base64Encode(value: string): string {
  return Buffer.from(String(value), 'utf8').toString('base64');
}

/** base64 → UTF-8 string. */
export function base64Decode(value: string): string {
  return Buffer.from(String(value), 'base64').toString('utf8');
}

/**
 * application/x-www-form-urlencoded as Java's URLEncoder (UTF-8) does it:
 * letters, digits and `.-*_` stay; space becomes `+`; the rest is %XX (upper case).
 */
export function urlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(String(value), 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of urlEncode (`+` is a space). */
export function urlDecode(value: string): string {
  return decodeURIComponent(String(value).replace(/\+/g, ' '));
}

/** Escapes a string for a JavaScript string literal (Apache Commons escapeEcmaScript rules). */
export function escapeJavaScript(value: string): string {
  let out = '';
  for (const ch of String(value)) {
    const code = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '/':
        out += '\\/';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\r':
        out += '\\r';
        break;
      default:
        if (code < 32 || code > 0x7e) {
          const units = code > 0xffff ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [code];
          out += units.map((u) => `\\u${u.toString(16).toUpperCase().padStart(4, '0')}`).join('');
        } else out += ch;
    }
  }
  return out;
}

/** Java `Pattern.matches`: the whole input must match the pattern. */
export function matches(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${String(pattern)})$`, 'u').test(String(value));
}

/** util.str.normalize(value, 'nfc'|'nfd'|'nfkc'|'nfkd'). */
export function normalize(value: string, form: string): string {
  const f = String(form).toUpperCase();
  if (f !== 'NFC' && f !== 'NFD' && f !== 'NFKC' && f !== 'NFKD') return String(value);
  return String(value).normalize(f);
}
