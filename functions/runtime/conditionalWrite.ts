/**
 * Conditional writes: DynamoDB answers a failed ConditionExpression with
 * ConditionalCheckFailedException, which for our writers is an answer
 * ("someone else got there first", "already stored"), not an error.
 */

/** True when `error` is DynamoDB refusing a write because its condition failed. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Awaits a conditional write: true if it was made, false if its condition failed; any other error is thrown. */
export async function writtenUnlessConditionFails(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * True when DynamoDB cancelled a TransactWriteItems whole: one of its
 * conditions failed, or it conflicted with another write to one of its items.
 */
export function isTransactionCanceled(error: unknown): boolean {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}
