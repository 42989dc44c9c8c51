import { spawnSync } from 'node:child_process';
import { EmulatorStartError } from './errors.js';

/** DynamoDB Local 3.x needs Java 17 or newer. */
export const MIN_JAVA_MAJOR = 17;

/** Parses `java -version` output ("openjdk version \"17.0.15\"" or "1.8.0_392"). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m || !m[1]) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

/** Checks the machine's java; one clear message with what to install if it is missing or too old. */
export function assertJava(javaCommand = 'java'): number {
  const run = spawnSync(javaCommand, ['-version'], { encoding: 'utf8' });
  const hint = `Install Java ${MIN_JAVA_MAJOR} or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) and make sure \`java\` is on PATH.`;
  if (run.error || run.status !== 0) {
    throw new EmulatorStartError('Java was not found: DynamoDB Local needs it.', hint, { cause: run.error });
  }
  const major = parseJavaMajor(`${run.stderr}${run.stdout}`);
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new EmulatorStartError(
      `Java ${major ?? '?'} is too old: DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+.`,
      hint,
    );
  }
  return major;
}

/** True if this Java can run a .java source file directly (a JDK: it has the jdk.compiler module). */
export function javaCanLaunchSource(javaCommand = 'java'): boolean {
  const run = spawnSync(javaCommand, ['--list-modules'], { encoding: 'utf8' });
  return run.status === 0 && run.stdout.includes('jdk.compiler');
}
