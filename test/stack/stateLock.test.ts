/**
 * The state-folder lock on its own: a live owner blocks, a dead one (or a
 * reused pid, or a file left half-written long ago) does not. The two-process
 * cases, kill -9 included, are in cliAgainstStack.test.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StackStartError } from '../../local/stack/errors.js';
import { acquireStateLock, LOCK_FILE } from '../../local/stack/stateLock.js';

const dirs: string[] = [];
function stateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const readLock = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;

describe('the state-folder lock', () => {
  it('blocks a second taker while held, names the holder, and is free again once released', () => {
    const dir = stateDir();
    const lock = acquireStateLock(dir);
    lock.describe('http://127.0.0.1:4321/graphql');
    expect(readLock(dir)).toMatchObject({ pid: process.pid, graphqlUrl: 'http://127.0.0.1:4321/graphql' });
    expect(fs.statSync(lock.file).mode & 0o777).toBe(0o600);
    let refused: unknown;
    try {
      acquireStateLock(dir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(StackStartError);
    expect((refused as StackStartError).message).toMatch(
      new RegExp(
        `is in use by a running stack \\(pid ${process.pid}, started .*, GraphQL at http://127\\.0\\.0\\.1:4321/graphql\\)`,
      ),
    );
    expect((refused as StackStartError).hint).toContain(`kill ${process.pid}`);
    lock.release();
    expect(fs.existsSync(lock.file)).toBe(false);
    acquireStateLock(dir).release();
  });

  it('takes over the lock of a process that is gone', () => {
    const dir = stateDir();
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: gone, startedAt: 'earlier' }));
    const lock = acquireStateLock(dir);
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (start time differs)', () => {
    const dir = stateDir();
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, processStart: '1', startedAt: 'long ago' }),
    );
    const lock = acquireStateLock(dir);
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
    expect(readLock(dir)['processStart']).not.toBe('1');
    lock.release();
  });

  it('waits for a lock file created a moment ago and not yet written; takes over an old unreadable one', () => {
    const dir = stateDir();
    const file = path.join(dir, LOCK_FILE);
    fs.writeFileSync(file, '');
    expect(() => acquireStateLock(dir)).toThrow(/being taken by another stack starting right now/);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    const lock = acquireStateLock(dir);
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('release leaves a lock another stack took alone', () => {
    const dir = stateDir();
    const lock = acquireStateLock(dir);
    const other = { pid: 1, startedAt: 'now' };
    fs.writeFileSync(lock.file, JSON.stringify(other));
    lock.release();
    expect(readLock(dir)).toEqual(other);
  });
});
