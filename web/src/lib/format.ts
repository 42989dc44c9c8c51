/** Number and time formatting shared by every page. */

/** 1 → "1st", 12 → "12th", 22 → "22nd". */
export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

/** Output in kJ with one decimal: 123.456 → "123.5". */
export function kj(output: number): string {
  return output.toFixed(1);
}

/** Seconds as m:ss (never negative). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(s / 60);
  const r = s % 60;
  return `${m}:${r < 10 ? '0' : ''}${r}`;
}

/** A rider's display name, or their id when they sent none. */
export function displayName(entry: { racerId: string; name?: string | null }): string {
  return entry.name && entry.name.length > 0 ? entry.name : entry.racerId;
}

/** When a race slot started, as local time of day ("14:05:30"). */
export function timeOfDay(epochMillis: number): string {
  const d = new Date(epochMillis);
  const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * When a race slot started, with its date and year: "Mon 7 Dec 2026, 14:05",
 * or "…, 14:05:45" with seconds, which races whose length is not whole
 * minutes (short local races) need: `raceSeconds` decides, so that every race
 * of a stack is named the same way.
 */
export function raceDate(epochMillis: number, raceSeconds: number): string {
  const d = new Date(epochMillis);
  const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  const time = timeOfDay(epochMillis);
  return `${day.replace(/,/g, '')}, ${raceSeconds % 60 === 0 ? time.slice(0, 5) : time}`;
}
