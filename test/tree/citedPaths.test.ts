import { describe, expect, it } from 'vitest';
import { missingCitations } from '../../scripts/citedPaths.js';

describe('paths cited in docs and comments', () => {
  it('all exist', () => {
    expect(missingCitations()).toEqual([]);
  });

  it('are caught when stale', () => {
    expect(missingCitations(['test/fixtures/citedPaths/stale.md'])).toEqual([
      { file: 'test/fixtures/citedPaths/stale.md', line: 4, cited: 'functions/nowhere/gone.ts' },
    ]);
  });
});
