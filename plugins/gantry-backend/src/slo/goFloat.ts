/**
 * A float as Go's fmt %v and %g print it (what Sloth writes into rule expressions):
 * the shortest round-trip digits, in exponent form when the exponent is < -4 or >= 6.
 */
export function goFloat(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const [mantissa, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(v);
}
