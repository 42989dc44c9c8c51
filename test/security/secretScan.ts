/**
 * Finds credentials in text: AWS access key ids (long-term AKIA…, temporary
 * ASIA…), secret access keys assigned in config-like text, and PEM private keys.
 */
export interface SecretFinding {
  kind: string;
  line: number;
  /** The match with its middle masked, so a report never repeats a secret. */
  masked: string;
}

const PATTERNS: readonly [kind: string, pattern: RegExp][] = [
  ['AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g],
  ['AWS secret access key', /aws_?secret_?access_?key\W{0,4}[:=]\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi],
  ['private key', /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/g],
];

function mask(text: string): string {
  return text.length <= 8 ? '****' : `${text.slice(0, 4)}…${text.slice(-2)}`;
}

export function findSecrets(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const [kind, pattern] of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const line = text.slice(0, match.index).split('\n').length;
      findings.push({ kind, line, masked: mask(match[0]) });
    }
  }
  return findings;
}
