/**
 * A CSV cell. A text starting with = + - @ (or a tab / carriage return) is read as a
 * formula by spreadsheet programs, so it gets a leading apostrophe (OWASP's advice on
 * CSV injection); a reviewer opening the file sees the text, nothing runs. Every CSV
 * Gantry writes goes through here.
 */
export function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line, newline included. */
export const csvRow = (cells: readonly unknown[]): string =>
  `${cells.map(csvCell).join(',')}\n`;
