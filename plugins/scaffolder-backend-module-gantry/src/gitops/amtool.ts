import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const run = promisify(execFile);

const missing = (e: any) =>
  e?.code === 'ENOENT'
    ? new Error(
        'amtool is not installed where the scaffolder runs; install it (Debian/Ubuntu: prometheus-alertmanager) so gantry:gitops:validate can check the Alertmanager configs',
      )
    : undefined;

async function withConfigFile<T>(
  config: string | object,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-amtool-'));
  const file = path.join(dir, 'alertmanager.yml');
  try {
    await fs.writeFile(
      file,
      typeof config === 'string'
        ? config
        : stringify(config, { aliasDuplicateObjects: false }),
    );
    return await use(file);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** `amtool check-config`: undefined when valid, else amtool's reason. */
export async function amtoolCheckConfig(
  config: string | object,
  amtool = 'amtool',
): Promise<string | undefined> {
  return withConfigFile(config, async file => {
    try {
      await run(amtool, ['check-config', file], { timeout: 30_000 });
      return undefined;
    } catch (e: any) {
      const err = missing(e);
      if (err) throw err;
      const out = `${e?.stdout ?? ''}\n${e?.stderr ?? ''}`;
      // amtool prints "  FAILED: <reason>" under the file it checked.
      return (
        /FAILED: (.*)/.exec(out)?.[1]?.trim() ??
        (out.trim() || String(e?.message))
      );
    }
  });
}

/** `amtool config routes test`: the receivers an alert with `labels` is sent to, in order. */
export async function amtoolRoutesTest(
  config: string | object,
  labels: Record<string, string>,
  amtool = 'amtool',
): Promise<string[]> {
  return withConfigFile(config, async file => {
    try {
      const { stdout } = await run(
        amtool,
        [
          'config',
          'routes',
          'test',
          `--config.file=${file}`,
          ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
        ],
        { timeout: 30_000 },
      );
      return stdout.trim().split(',');
    } catch (e: any) {
      throw missing(e) ?? e;
    }
  });
}
