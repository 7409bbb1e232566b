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

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The document as text without a UTF-8 byte order mark: Windows tools (PowerShell's
 * Out-File, some SBOM exporters) write one, and JSON.parse and XML parsers refuse it.
 */
export function textOf(bytes: Buffer): string {
  const start = bytes.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  return bytes.toString('utf8', start);
}

/** JSON.parse with the position of a syntax error in the message. */
export function parseJson(format: EvidenceFormat, bytes: Buffer): unknown {
  const text = textOf(bytes);
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
