/**
 * Documents that parsed and validated, by their exact text: a client that
 * sends one operation again and again (the aggregator's band publishes, an
 * app's queries) is parsed and validated once. Validation depends only on
 * the schema and the document, so a cached document is what parsing and
 * validating the text again would give. Bounded by the text it holds (a
 * document's syntax tree grows with its text), least recently used first out.
 */
import type { DocumentNode } from 'graphql';

/** Text kept in all (characters). */
export const CACHED_DOCUMENT_CHARS = 512 * 1024;
/** Longer documents are not kept: they would push out many ordinary ones. */
export const CACHED_DOCUMENT_MAX_CHARS = 64 * 1024;

export interface DocumentCache {
  get(query: string): DocumentNode | undefined;
  set(query: string, document: DocumentNode): void;
}

export function createDocumentCache(
  totalChars = CACHED_DOCUMENT_CHARS,
  maxChars = CACHED_DOCUMENT_MAX_CHARS,
): DocumentCache {
  const documents = new Map<string, DocumentNode>();
  let chars = 0;
  return {
    get(query) {
      const document = documents.get(query);
      if (document === undefined) return undefined;
      // Map order is insertion order: moving a hit to the end keeps the least recently used first.
      documents.delete(query);
      documents.set(query, document);
      return document;
    },
    set(query, document) {
      if (query.length > maxChars || documents.has(query)) return;
      documents.set(query, document);
      chars += query.length;
      for (const oldest of documents.keys()) {
        if (chars <= totalChars) break;
        documents.delete(oldest);
        chars -= oldest.length;
      }
    },
  };
}
