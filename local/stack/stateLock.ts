/**
 * One running stack per state folder: `.alleycat/stack.lock` holds the owner's
 * pid (and, on Linux, its process start time, so a reused pid is not taken for
 * the owner). A second stack finds a live owner and refuses, naming it; a lock
 * left by a stack that died without stopping (kill -9, a crash) is stale and
 * taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StackStartError } from './errors.js';

export const LOCK_FILE = 'stack.lock';

/** What the lock file says about its owner. */
export interface LockOwner {
  pid: number;
  /** Kernel start time of the process (/proc/<pid>/stat field 22), when known. */
  processStart?: string | undefined;
  startedAt: string;
  /** Set once the owner is up: where it answers. */
  graphqlUrl?: string | undefined;
}

export interface StateLock {
  readonly file: string;
  /** Records where the owner answers, for the message a second stack prints. */
  describe(graphqlUrl: string): void;
  /** Removes the lock if it is still this process's. */
  release(): void;
}

/** Linux: a process's start time and state from /proc; undefined elsewhere or if it is gone. */
function procStat(pid: number): { start: string; state: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19];
  return state && start ? { start, state } : undefined;
}

/** Whether the lock's owner is still running (and is the same process, where that can be told). */
export function ownerAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(owner.pid);
  if (stat === undefined) return !fs.existsSync('/proc/self/stat');
  // A killed process its parent has not reaped yet is a zombie: dead for our purpose.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return owner.processStart === undefined || owner.processStart === stat.start;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof doc.pid === 'number' && Number.isInteger(doc.pid) && doc.pid > 0 ? (doc as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid}, started ${owner.startedAt}${owner.graphqlUrl ? `, GraphQL at ${owner.graphqlUrl}` : ''}`;
}

/**
 * Takes the state folder for this process; throws StackStartError naming the
 * running stack that holds it. The folder must exist.
 */
export function acquireStateLock(stateDir: string): StateLock {
  const file = path.join(stateDir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    processStart: procStat(process.pid)?.start,
    startedAt: new Date().toISOString(),
  };
  const write = (flag: 'wx' | 'w'): void => fs.writeFileSync(file, `${JSON.stringify(me)}\n`, { flag, mode: 0o600 });
  // Two tries: the second after removing a stale lock (another starter may win that race: then it holds it).
  for (let attempt = 0; ; attempt += 1) {
    try {
      write('wx');
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (!owner && ageMs(file) < 5_000) {
      // Created a moment ago and not written yet: another stack is starting here.
      throw new StackStartError(
        `${stateDir} is being taken by another stack starting right now`,
        'Wait for it, or stop it, before starting another one in this folder.',
      );
    }
    if (owner && ownerAlive(owner)) {
      throw new StackStartError(
        `${stateDir} is in use by a running stack (${describeOwner(owner)})`,
        `Stop that stack first (Ctrl-C in its terminal, or kill ${owner.pid}), or start this one in another folder.`,
      );
    }
    if (attempt > 0) {
      throw new StackStartError(
        `${file} could not be taken over`,
        'Another stack may be starting in this folder at the same moment; try again.',
      );
    }
    // Stale (its stack died without stopping) or unreadable: remove it and try again.
    fs.rmSync(file, { force: true });
  }
  const mine = (): boolean => readOwner(file)?.pid === me.pid;
  return {
    file,
    describe(graphqlUrl) {
      if (!mine()) return;
      me.graphqlUrl = graphqlUrl;
      write('w');
    },
    release() {
      if (mine()) fs.rmSync(file, { force: true });
    },
  };
}
