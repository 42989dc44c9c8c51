import { describe, expect, it } from 'vitest';
import { cleanDisplayName, displayNameProblem, isDisplayName } from '../../core/displayName.js';
import { checkTelemetry } from '../../core/telemetry.js';
import { BAD_NAMES } from '../support/badNames.js';

describe('display names', () => {
  it('accepts names in any script, emoji and emoji sequences with joiners and variation selectors', () => {
    for (const name of ['Ann', 'Zoë 🚴', 'Мария', 'محمد', 'שרה', '李小龙', '🚴\u200D\u2640\uFE0F', 'می\u200Cخواهم'])
      expect(displayNameProblem(name), name).toBeNull();
  });

  it('counts characters as code points: 40 bicycles fit, 41 do not, and the empty name is refused', () => {
    expect(isDisplayName('🚴'.repeat(40))).toBe(true);
    expect(displayNameProblem('🚴'.repeat(41))).toBe('must be 1..40 characters');
    expect(isDisplayName('a'.repeat(40))).toBe(true);
    expect(isDisplayName('a'.repeat(41))).toBe(false);
    expect(isDisplayName('')).toBe(false);
    expect(displayNameProblem(42)).toBe('must be a string');
  });

  it.each(BAD_NAMES)('refuses a %s', (_label, name) => {
    expect(displayNameProblem(name)).toMatch(/^must not contain/);
    expect(checkTelemetry(record(name), { raceSeconds: 300 })).toMatchObject({ ok: false, field: 'name' });
  });

  it('cleans a name into a valid one, or nothing', () => {
    expect(cleanDisplayName('\u202EAnn\u0007 \u200B')).toBe('Ann');
    expect(cleanDisplayName('  Zoë 🚴  ')).toBe('Zoë 🚴');
    expect(cleanDisplayName('🚴'.repeat(45))).toBe('🚴'.repeat(40));
    expect(cleanDisplayName('\uD83D\u2066\u2069')).toBeUndefined();
    expect(cleanDisplayName(7)).toBeUndefined();
    for (const [, name] of BAD_NAMES) {
      const cleaned = cleanDisplayName(name);
      expect(cleaned === undefined || isDisplayName(cleaned), name).toBe(true);
    }
  });
});

function record(name: string): Record<string, unknown> {
  return {
    raceId: 10,
    classId: 1,
    racerId: 'r1',
    name,
    second: 1,
    power: 100,
    output: 0.1,
    event: 'update',
    deviceTimestamp: 1,
  };
}
