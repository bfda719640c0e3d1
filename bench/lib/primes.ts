/** The 13.4 inputs bench/lib.ts and bench/cluster.ts factor: `count` integers in [1e5, 5e7] from a fixed seed. */
export function primesInput(count: number): number[] {
  // mulberry32: a small seeded PRNG, so Node and Python factor the same numbers.
  let seed = 20240601;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => 1e5 + Math.floor(random() * (5e7 - 1e5 + 1)));
}
