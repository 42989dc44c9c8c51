import { describe, expect, it } from 'vitest';
import { importCycles, SOURCE_DIRS } from '../../scripts/importCycles.js';

describe('import circles', () => {
  it('there are none in the source folders', () => {
    const { files, cycles } = importCycles(SOURCE_DIRS);
    expect(files).toBeGreaterThan(300);
    expect(cycles).toEqual([]);
  });

  it('a circle through a type-only import is found', () => {
    expect(importCycles(['test/fixtures/importCycles/a']).cycles).toEqual([
      ['test/fixtures/importCycles/a/a.ts', 'test/fixtures/importCycles/a/b.ts'],
    ]);
  });
});
