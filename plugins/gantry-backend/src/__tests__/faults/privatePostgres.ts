import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Debian's PostgreSQL 15 server binaries (package postgresql-15). */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

export function postgresBinariesPresent(): boolean {
  return ['initdb', 'pg_ctl'].every(b =>
    fs.existsSync(path.join(POSTGRES_BIN, b)),
  );
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

/**
 * A PostgreSQL server of the test's own, in a temp dir on a free loopback port, that the
 * test may stop and start. initdb refuses to run as root, so under root the server runs
 * as the `postgres` system user.
 */
export async function startPrivatePostgres() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const command = (bin: string, args: string[]): [string, string[]] =>
    asRoot
      ? [
          'runuser',
          ['-u', 'postgres', '--', path.join(POSTGRES_BIN, bin), ...args],
        ]
      : [path.join(POSTGRES_BIN, bin), args];
  // Asynchronous, so the backend under test keeps serving while the server stops or starts.
  const run = async (bin: string, args: string[]) => {
    await execFileAsync(...command(bin, args), { timeout: 60_000 });
  };
  execFileSync(
    ...command('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]),
    { stdio: 'pipe', timeout: 60_000 },
  );
  const ctl = (...args: string[]) =>
    run('pg_ctl', ['-D', data, '-w', '-t', '30', ...args]);
  const start = () =>
    ctl(
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    );
  await start();
  return {
    port,
    connection: { host: '127.0.0.1', port, user: 'postgres' },
    /** Fast shutdown: open sessions are terminated, as when the server goes away. */
    stop: () => ctl('-m', 'fast', 'stop'),
    /** Immediate shutdown: the server quits at once, as on a crash. */
    kill: () => ctl('-m', 'immediate', 'stop'),
    start,
    destroy: async () => {
      await ctl('-m', 'immediate', 'stop').catch(() => {
        // already stopped
      });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * knex and pg print every failed connection while the server is down; the fault tests
 * count outcomes instead, so those lines are dropped (call in beforeAll).
 */
export function quietConnectionErrors() {
  const log = console.log;
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    if (!/^(Acquire connection error|Connection Error)/.test(String(args[0])))
      log(...args);
  });
}
