/**
 * The repository holds no credentials: every tracked file is scanned for AWS
 * key ids, secret keys and private keys. (The local stack makes its IAM key
 * pair at run time and keeps it in its state folder, which is not tracked.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSecrets } from './secretScan.js';

const repo = path.resolve(import.meta.dirname, '../..');

describe('the secret scanner', () => {
  it('finds access key ids, secret keys and private keys, and masks them', () => {
    const keyId = `AKIA${'Q7'.repeat(8)}`;
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY';
    const text = [
      `aws_access_key_id = ${keyId}`,
      `aws_secret_access_key = ${secret}`,
      '-----BEGIN RSA PRIVATE ' + 'KEY-----',
    ].join('\n');
    const findings = findSecrets(text);
    expect(findings.map((f) => [f.kind, f.line])).toEqual([
      ['AWS access key id', 1],
      ['AWS secret access key', 2],
      ['private key', 3],
    ]);
    expect(findings.some((f) => f.masked.includes(keyId))).toBe(false);
  });

  it('leaves ordinary identifiers alone', () => {
    expect(findSecrets('const accessKeyId = "local"; // AKIA keys are 20 characters, e.g. AKIA + 16')).toEqual([]);
  });
});

describe('the repository', () => {
  it('holds no credentials in any tracked file', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    const findings: string[] = [];
    let scanned = 0;
    for (const file of files) {
      const full = path.join(repo, file);
      let stat;
      try {
        stat = statSync(full);
      } catch (err) {
        // Tracked but deleted in the working tree (someone's edit in progress): nothing to scan.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (!stat.isFile() || stat.size > 20 * 1024 * 1024) continue;
      const buffer = readFileSync(full);
      if (buffer.includes(0)) continue; // binary
      scanned += 1;
      for (const f of findSecrets(buffer.toString('utf8'))) findings.push(`${file}:${f.line}: ${f.kind} (${f.masked})`);
    }
    expect(scanned).toBeGreaterThan(50);
    expect(findings).toEqual([]);
  });
});
