/** A small seeded PRNG (mulberry32) so rides are reproducible in tests. */
export type Random = () => number;

/** Uniform [0, 1) numbers from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from several integers (FNV-1a over their decimal digits). */
export function seedOf(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Roughly normal numbers (sum of three uniforms), mean 0, standard deviation about 1. */
export function gaussian(random: Random): number {
  return (random() + random() + random() - 1.5) * 2;
}
