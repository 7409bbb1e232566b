// Prints each runner's own pass/fail counts and one closing "N passed, N failed" line.
import fs from 'node:fs';

const [jestFile, playwrightFile, seconds, ...failedSteps] =
  process.argv.slice(2);
const readJson = f =>
  f && fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : undefined;

let passed = 0;
let failed = 0;
let skipped = 0;
const jest = readJson(jestFile);
if (jest) {
  console.log(
    `jest: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${jest.numPendingTests} skipped in ${jest.numTotalTestSuites} suites`,
  );
  passed += jest.numPassedTests;
  failed += jest.numFailedTests;
  skipped += jest.numPendingTests;
} else {
  console.log('jest: no results (the run did not finish)');
}
const pw = readJson(playwrightFile);
if (pw) {
  const s = pw.stats;
  console.log(
    `playwright: ${s.expected + s.flaky} passed, ${s.unexpected} failed, ${
      s.skipped
    } skipped (${s.flaky} flaky)`,
  );
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  skipped += s.skipped;
} else {
  console.log(
    'playwright: no results (the run did not start or did not finish)',
  );
}
console.log(`wall time: ${seconds}s`);
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(failedSteps.length || failed || !jest || !pw ? 1 : 0);
