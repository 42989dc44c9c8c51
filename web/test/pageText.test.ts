import { describe, expect, it } from 'vitest';
import { joinDeadline, raceToJoin } from '../../core/fairPlay.js';
import { raceEndMillis, raceStartMillis } from '../../core/raceClock.js';
import { raceDate } from '../src/lib/format.js';
import { resultState } from '../src/lib/resultState.js';
import { pageTitle } from '../src/lib/useTitle.js';

describe('what the pages say about races', () => {
  it('names a race start with its weekday, date and year; seconds when races are not whole minutes', () => {
    const at = new Date(2026, 11, 7, 14, 5, 0).getTime();
    expect(raceDate(at, 300)).toBe('Mon 7 Dec 2026, 14:05');
    expect(raceDate(at, 45)).toBe('Mon 7 Dec 2026, 14:05:00');
    expect(raceDate(at + 45_000, 45)).toBe('Mon 7 Dec 2026, 14:05:45');
  });

  it('gives every page its own title', () => {
    expect(pageTitle('Results: Amateurs')).toBe('Results: Amateurs · Alleycat');
    expect(pageTitle('')).toBe('Alleycat');
  });

  it('says nobody rode a race once it is long closed with no result, and not before', () => {
    const end = raceEndMillis(1000, 300);
    const finished = { status: 'FINISHED', competitors: null };
    expect(resultState({ status: 'RUNNING', competitors: null }, 0, end, end - 1000)).toBe('running');
    expect(resultState(finished, 0, end, end + 5_000)).toBe('writing');
    expect(resultState(finished, 3, end, end + 3_600_000)).toBe('writing');
    expect(resultState(finished, 0, end, end + 3_600_000)).toBe('nobody');
    expect(resultState({ status: 'FINISHED', competitors: 0 }, 0, end, end + 1000)).toBe('nobody');
    expect(resultState({ status: 'FINISHED', competitors: 12 }, 12, end, end + 1000)).toBe('done');
  });
});

describe('riders start together', () => {
  it('takes new riders in the first tenth of a race, between 10 and 30 seconds', () => {
    expect(joinDeadline(300)).toBe(30);
    expect(joinDeadline(3600)).toBe(30);
    expect(joinDeadline(150)).toBe(15);
    expect(joinDeadline(45)).toBe(10);
  });

  it('joins the running race only early in its join window, else the next one', () => {
    const start = raceStartMillis(5000, 300);
    expect(raceToJoin(start + 2_000, 300)).toBe(5000);
    expect(raceToJoin(start + 15_000, 300)).toBe(5000);
    expect(raceToJoin(start + 16_000, 300)).toBe(5001);
    expect(raceToJoin(start + 100_000, 300)).toBe(5001);
  });
});
