import { InputError } from '@backstage/errors';
import type { EvidenceFormat } from '@gantry/plugin-gantry-common';

/** A 400 that names the format and the path of the first problem in the document. */
export class EvidenceFormatError extends InputError {
  constructor(format: EvidenceFormat, path: string, problem: string) {
    super(
      `Invalid ${format} evidence at ${path || '(document root)'}: ${problem}`,
    );
  }
}

/** JSON.parse with the position of a syntax error in the message. */
export function parseJson(format: EvidenceFormat, bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new EvidenceFormatError(
      format,
      '',
      `not valid JSON (${
        (e as Error).message
      }); upload the file exactly as the tool wrote it`,
    );
  }
}

/** JSON-pointer-like path for zod issue paths: `Results[0].Vulnerabilities[2].Severity`. */
export function pathOf(path: Array<string | number>): string {
  return path.reduce<string>((acc, p) => {
    if (typeof p === 'number') return `${acc}[${p}]`;
    return acc ? `${acc}.${p}` : p;
  }, '');
}

/** A JSON Schema validator's instancePath (`/runs/0/level`) as `runs[0].level`. */
export function pointerToPath(instancePath: string | undefined): string {
  return (instancePath ?? '')
    .replace(/^\//, '')
    .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
    .replace(/\//g, '.');
}
