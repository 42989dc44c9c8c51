import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { createDocumentCache } from '../../local/appsync/execution/documentCache.js';

describe('the cache of validated documents', () => {
  const query = (n: number, pad = 0) => `{ f${n}${' '.repeat(pad)} }`;

  it('keeps documents by their exact text, least recently used out first once the text passes its budget', () => {
    const cache = createDocumentCache(3 * query(0, 20).length, 1000);
    const docs = [0, 1, 2, 3].map((n) => parse(query(n, 20)));
    cache.set(query(0, 20), docs[0]!);
    cache.set(query(1, 20), docs[1]!);
    cache.set(query(2, 20), docs[2]!);
    expect(cache.get(query(0, 20))).toBe(docs[0]);
    cache.set(query(3, 20), docs[3]!);
    // f1 was least recently used: it went; f0 was read after f1 was stored, so it stayed.
    expect(cache.get(query(1, 20))).toBeUndefined();
    expect(cache.get(query(0, 20))).toBe(docs[0]);
    expect(cache.get(query(2, 20))).toBe(docs[2]);
    expect(cache.get(query(3, 20))).toBe(docs[3]);
    expect(cache.get(`${query(0, 20)} `)).toBeUndefined();
  });

  it('does not keep a document longer than its entry limit, so a flood of huge documents evicts nothing', () => {
    const cache = createDocumentCache(10_000, 100);
    cache.set(query(0), parse(query(0)));
    for (let i = 1; i < 50; i += 1) cache.set(query(i, 500), parse(query(i, 500)));
    expect(cache.get(query(7, 500))).toBeUndefined();
    expect(cache.get(query(0))).toBeDefined();
  });
});
