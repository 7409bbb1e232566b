import fs from 'node:fs';
import path from 'node:path';

/** A JSON fixture of one domain, e.g. readFixture('rollouts', 'rollout-bluegreen-paused.json'). */
export const readFixture = (domain: string, name: string) =>
  JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', domain, '__fixtures__', name),
      'utf8',
    ),
  );
