/**
 * The local stand-in for an OnFailure destination (an SQS queue on AWS): the
 * metadata of every discarded batch, kept in memory and appended as JSON
 * lines to a file under the data directory so it survives restarts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FailureMessage } from './types.js';

export interface FailureQueue {
  readonly name: string;
  /** The queue's ARN, which the execution role must allow sqs:SendMessage on; none: unchecked. */
  readonly arn?: string;
  send(message: FailureMessage): Promise<void>;
  /** Every message received so far (oldest first), including those of earlier runs. */
  messages(): readonly FailureMessage[];
}

function readLines(file: string): FailureMessage[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: FailureMessage[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() !== '') out.push(JSON.parse(line) as FailureMessage);
  }
  return out;
}

/** A queue named `name` (with the ARN IAM knows it by, if any); persisted to `file` when given. */
export function failureQueue(name: string, file?: string, arn?: string): FailureQueue {
  const messages = file ? readLines(file) : [];
  return {
    name,
    ...(arn === undefined ? {} : { arn }),
    async send(message) {
      // On disk first: a message that is visible has been persisted.
      if (file) {
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        await fs.promises.appendFile(file, `${JSON.stringify(message)}\n`);
      }
      messages.push(message);
    },
    messages: () => messages,
  };
}
