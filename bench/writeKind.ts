/**
 * What a DynamoDB write call of the live path writes, named from the keys it
 * sends (core/keys.ts), so that a benchmark can say which calls make up its
 * count.
 */

/** The kinds of write the aggregator's close makes. */
export type WriteKind =
  | 'part'
  | 'admissionCounter'
  | 'admissionBucket'
  | 'watermark'
  | 'windowClaim'
  | 'raceClaim'
  | 'boardItems'
  | 'boardHead'
  | 'transaction'
  | 'other';

/** A key attribute as sent: marshalled (`{ S }`) or, before the document client marshals it, a plain string. */
function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return '';
  const s = (value as { S?: unknown }).S;
  return typeof s === 'string' ? s : '';
}

/** The kind of one item written, by its key. */
function kindOfKey(key: unknown): WriteKind {
  if (key === null || typeof key !== 'object') return 'other';
  const pk = stringOf((key as Record<string, unknown>).PK);
  const sk = stringOf((key as Record<string, unknown>).SK);
  if (pk === 'LIVEWM') return sk === 'CLAIM' ? 'windowClaim' : 'watermark';
  if (sk.startsWith('LIVE#')) return 'part';
  if (sk === 'ADMISSION') return 'admissionCounter';
  if (sk.startsWith('ADMIT#')) return 'admissionBucket';
  if (sk === 'LIVEPUB') return 'raceClaim';
  if (sk === 'BOARD') return 'boardHead';
  if (sk.startsWith('BOARD#')) return 'boardItems';
  return 'other';
}

/** The kind of a write command (`commandName` as the SDK names it) with its input. */
export function writeKindOf(commandName: string, input: unknown): WriteKind {
  const args = (input ?? {}) as Record<string, unknown>;
  switch (commandName) {
    case 'PutItemCommand':
      return kindOfKey(args.Item);
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return kindOfKey(args.Key);
    case 'TransactWriteItemsCommand':
      return 'transaction';
    case 'BatchWriteItemCommand': {
      const tables = Object.values((args.RequestItems ?? {}) as Record<string, unknown[]>);
      const first = tables[0]?.[0] as { PutRequest?: { Item?: unknown } } | undefined;
      return kindOfKey(first?.PutRequest?.Item);
    }
    default:
      return 'other';
  }
}
