import fc from 'fast-check';
import { execFileSync } from 'node:child_process';

/**
 * The fuzz seed is the commit's: a clean clone runs exactly the cases CI will run, so a
 * failure is found before CI sees it and reproduces anywhere, while each commit still
 * explores new cases. FUZZ_SEED=<n> replays a reported seed; FUZZ_SEED=random explores.
 */
function seedOf(setting: string | undefined): number | undefined {
  if (setting === 'random') return undefined;
  if (setting) return Number(setting) | 0;
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return parseInt(head.slice(0, 8), 16) | 0;
  } catch {
    return undefined; // not a git checkout: fast-check picks one and prints it on failure
  }
}

const seed = seedOf(process.env.FUZZ_SEED);
if (seed !== undefined)
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
