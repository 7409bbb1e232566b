import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A database on the test PostgreSQL server, as pg_dump and pg_restore address it. */
export const databaseUrl = (server: string, database: string) => {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
};

/**
 * `pg_dump --format=custom` of one database into `file`: the format the backup runbook
 * uses (compressed, restorable table by table, in parallel with --jobs).
 */
export async function pgDump(url: string, file: string) {
  await run('pg_dump', [
    '--format=custom',
    '--no-owner',
    '--no-privileges',
    `--file=${file}`,
    `--dbname=${url}`,
  ]);
}

/** `pg_restore` of a custom-format dump into an empty database; fails on any error. */
export async function pgRestore(url: string, file: string) {
  await run('pg_restore', [
    '--no-owner',
    '--no-privileges',
    '--exit-on-error',
    '--single-transaction',
    `--dbname=${url}`,
    file,
  ]);
}
