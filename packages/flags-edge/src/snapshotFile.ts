import fs from 'node:fs/promises';
import path from 'node:path';
import type { EdgeSnapshot } from './protocol';

/** What the edge keeps on disk: the last snapshot and when the control plane was last heard. */
export interface PersistedSnapshot {
  snapshot: EdgeSnapshot;
  lastContactMs?: number;
}

export async function readSnapshotFile(
  file: string,
): Promise<PersistedSnapshot | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = JSON.parse(text) as PersistedSnapshot;
  if (!parsed?.snapshot || !Array.isArray(parsed.snapshot.sets))
    throw new Error(`${file} is not a flag edge snapshot`);
  return parsed;
}

/** Written beside the target and renamed over it, so a crash never leaves half a file. */
export async function writeSnapshotFile(
  file: string,
  data: PersistedSnapshot,
): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(data));
  await fs.rename(tmp, file);
}
