import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { EvidenceSummary } from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, textOf } from './EvidenceFormatError';

type Node = Record<string, unknown>;
function asArray<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: name =>
    ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

/**
 * JUnit XML: a <testsuites> or <testsuite> root, suites may nest. Totals are recounted
 * from the <testcase> elements because tools disagree on the suite attributes.
 */
export function parseJunit(bytes: Buffer): EvidenceSummary {
  const text = textOf(bytes);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new EvidenceFormatError(
      'junit',
      `line ${valid.err.line}, column ${valid.err.col}`,
      `not well-formed XML (${valid.err.msg})`,
    );
  }
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (e) {
    // The validator lets some malformed processing instructions through to the parser.
    throw new EvidenceFormatError(
      'junit',
      '/',
      `not well-formed XML (${(e as Error).message})`,
    );
  }
  const root =
    (doc.testsuites as Node | undefined) ??
    (doc.testsuite ? { testsuite: doc.testsuite } : undefined);
  if (!root) {
    throw new EvidenceFormatError(
      'junit',
      '/',
      'the root element must be <testsuites> or <testsuite>',
    );
  }
  let total = 0;
  let failed = 0;
  let skipped = 0;
  const failures: Array<{ suite?: string; name: string; message?: string }> =
    [];
  const visit = (suite: Node, path: string) => {
    const name = String(suite['@name'] ?? path);
    for (const tc of asArray(suite.testcase as Node[])) {
      total += 1;
      const problem =
        asArray(tc.failure as Node[])[0] ?? asArray(tc.error as Node[])[0];
      if (problem !== undefined) {
        failed += 1;
        if (failures.length < 50) {
          const message =
            typeof problem === 'object'
              ? problem['@message'] ?? problem['#text']
              : problem;
          failures.push({
            suite: name,
            name: String(tc['@name'] ?? '(unnamed test case)'),
            message:
              message === undefined ? undefined : String(message).slice(0, 500),
          });
        }
      } else if (tc.skipped !== undefined) {
        skipped += 1;
      }
    }
    asArray(suite.testsuite as Node[]).forEach((child, i) =>
      visit(child, `${name}/${i}`),
    );
  };
  asArray(root.testsuite as Node[]).forEach((s, i) =>
    visit(s, `testsuite[${i}]`),
  );
  if (total === 0) {
    throw new EvidenceFormatError(
      'junit',
      'testsuite',
      'contains no <testcase> elements; upload the report of a run that executed tests',
    );
  }
  const passed = total - failed - skipped;
  return {
    headline: `JUnit: ${passed} passed, ${failed} failed, ${skipped} skipped`,
    tests: { total, passed, failed, skipped, failures },
  };
}
