import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const ROOT = path.resolve(__dirname, '..', '..');

test('a second scripts/start.sh refuses politely and leaves the running portal alone', async ({
  request,
}) => {
  const second = spawnSync('bash', ['scripts/start.sh'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(second.status).toBe(1);
  expect(second.stderr).toContain('the portal is already running');
  expect(second.stderr).toContain('Nothing was started or stopped');
  // It refused before installing or starting anything.
  expect(second.stdout).not.toContain('yarn install');

  const health = await request.get('http://localhost:7007/api/gantry/health');
  expect(health.status()).toBe(200);
  const home = await request.get('/');
  expect(home.status()).toBe(200);
});
