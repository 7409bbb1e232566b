import canonicalize from 'canonicalize';

/** RFC 8785 (JCS) canonical JSON: the bytes the audit chain hashes. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) {
    throw new TypeError('Audit records must be JSON values');
  }
  return text;
}
