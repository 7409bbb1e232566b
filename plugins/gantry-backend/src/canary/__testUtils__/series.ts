/** Deterministic pseudo-normal noise (sum of uniforms from a seeded LCG). */
function noise(seed: number) {
  let a = seed;
  return () => {
    let s = 0;
    for (let i = 0; i < 6; i++) {
      a = (a * 1103515245 + 12345) % 2147483648;
      s += a / 2147483648;
    }
    return (s - 3) / Math.sqrt(0.5);
  };
}

/** n samples around `level` with standard deviation `sd`, the same for the same seed. */
export const series = (n: number, level: number, sd: number, seed: number) => {
  const r = noise(seed);
  return Array.from({ length: n }, () => level + sd * r());
};
