import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PrometheusClient } from '../providers/PrometheusClient';

/**
 * The real Prometheus (Debian's /usr/bin/prometheus) for tests: history is written
 * as TSDB blocks with `promtool tsdb create-blocks-from openmetrics`, recording rules
 * can be backfilled over that history with `promtool tsdb create-blocks-from rules`,
 * and rule files can be loaded for live evaluation. Query with explicit times
 * (`client.query(q, time)`), never Prometheus's "now".
 */

const run = promisify(execFile);
const PROMETHEUS = process.env.GANTRY_TEST_PROMETHEUS ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.GANTRY_TEST_PROMTOOL ?? '/usr/bin/promtool';

/** [unix seconds, value] */
export type Sample = [number, number];

export interface TestSeries {
  /** Metric name as queried, e.g. http_requests_total. */
  metric: string;
  labels?: Record<string, string>;
  /** Ascending by time. */
  samples: Sample[];
}

/** Timestamps from `from` to `to` inclusive every `stepSeconds` (all unix seconds). */
export function timestamps(
  from: number,
  to: number,
  stepSeconds: number,
): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += stepSeconds) out.push(t);
  return out;
}

/**
 * Samples of a counter scraped every `stepSeconds` from `from` to `to`: it starts at
 * `initial` (default 1e6, high enough that rate() never extrapolates to zero) and
 * between two scrapes grows by `perSecond(t) * stepSeconds`, t being the later scrape.
 * So with a constant `perSecond` in a window, rate() over it returns that constant.
 */
export function counterSamples(opts: {
  from: number;
  to: number;
  stepSeconds: number;
  perSecond: (t: number) => number;
  initial?: number;
}): Sample[] {
  let value = opts.initial ?? 1e6;
  return timestamps(opts.from, opts.to, opts.stepSeconds).map((t, i) => {
    if (i > 0) value += opts.perSecond(t) * opts.stepSeconds;
    return [t, value];
  });
}

/** Samples of a gauge: `valueAt(t)` at every scrape. */
export function gaugeSamples(opts: {
  from: number;
  to: number;
  stepSeconds: number;
  valueAt: (t: number) => number;
}): Sample[] {
  return timestamps(opts.from, opts.to, opts.stepSeconds).map(t => [
    t,
    opts.valueAt(t),
  ]);
}

const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** OpenMetrics text for `promtool tsdb create-blocks-from openmetrics` (untyped families). */
export function toOpenMetrics(series: TestSeries[]): string {
  const lines: string[] = [];
  // OpenMetrics wants each metric family in one contiguous run.
  const byMetric = new Map<string, TestSeries[]>();
  for (const s of series) {
    byMetric.set(s.metric, [...(byMetric.get(s.metric) ?? []), s]);
  }
  for (const [metric, group] of byMetric) {
    for (const s of group) {
      const labels = Object.entries(s.labels ?? {})
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      const name = labels ? `${metric}{${labels}}` : metric;
      for (const [t, v] of s.samples) lines.push(`${name} ${v} ${t}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

export interface StartPrometheusOptions {
  /** History written as TSDB blocks before Prometheus starts. */
  series?: TestSeries[];
  /** Or OpenMetrics text you built yourself (ends with `# EOF`). */
  openMetrics?: string;
  /** Rule files (file name -> YAML) Prometheus loads and evaluates live. */
  ruleFiles?: Record<string, string>;
  /** global.evaluation_interval for live rules; default 1m. */
  evaluationInterval?: string;
}

export interface PrometheusHarness {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  /** A client on `url` with a 10 s timeout. */
  client: PrometheusClient;
  /** The TSDB directory (blocks from promtool land here). */
  dataDir: string;
  /**
   * Evaluates recording rules over the stored history from `start` to `end` (unix
   * seconds) every `evalIntervalSeconds` (default 60) and adds the results as blocks,
   * then restarts Prometheus so they are queryable. promtool evaluates against the
   * running server, so rules that read other recording rules need a later stage:
   * pass stages in dependency order (e.g. [sliRules, metaRules]).
   */
  backfillRules(
    stages: string[],
    range: { start: number; end: number; evalIntervalSeconds?: number },
  ): Promise<void>;
  /** Stops Prometheus and deletes its directories. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs promtool; rejects with its output when it exits non-zero. */
export async function promtool(
  args: string[],
  opts: { cwd?: string } = {},
): Promise<string> {
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, {
      maxBuffer: 64 * 1024 * 1024,
      cwd: opts.cwd,
    });
    return stdout + stderr;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `promtool ${args.join(' ')} failed: ${
        err.stderr || err.stdout || err.message
      }`,
    );
  }
}

/** Writes `openMetrics` as TSDB blocks into `dataDir`. */
async function writeBlocks(dir: string, dataDir: string, openMetrics: string) {
  const input = join(dir, 'history.om');
  await writeFile(input, openMetrics);
  await promtool([
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    input,
    dataDir,
  ]);
  await rm(input);
}

/** Starts Prometheus; resolves once /-/ready answers 200. */
export async function startPrometheus(
  options: StartPrometheusOptions = {},
): Promise<PrometheusHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-prometheus-'));
  const dataDir = join(dir, 'data');
  const ruleNames = Object.keys(options.ruleFiles ?? {});
  for (const [name, text] of Object.entries(options.ruleFiles ?? {})) {
    await writeFile(join(dir, name), text);
  }
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  evaluation_interval: ${options.evaluationInterval ?? '1m'}`,
      `rule_files: ${JSON.stringify(ruleNames)}`,
      '',
    ].join('\n'),
  );
  const history =
    options.openMetrics ??
    (options.series ? toOpenMetrics(options.series) : undefined);
  if (history) await writeBlocks(dir, dataDir, history);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  let log = '';

  const launch = async () => {
    log = '';
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${dataDir}`,
        // Retention counts back from the newest block, so ten years keeps any test history.
        '--storage.tsdb.retention.time=10y',
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', d => (log += d));
    child.stderr!.on('data', d => (log += d));
    proc = child;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', code =>
        reject(
          new Error(
            `Prometheus exited with ${code} before it was ready:\n${log.slice(
              -2000,
            )}`,
          ),
        ),
      ),
    );
    exited.catch(() => undefined);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ready = await Promise.race([
        fetch(`${url}/-/ready`)
          .then(r => r.ok)
          .catch(() => false),
        exited,
      ]);
      if (ready) return;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(
      `Prometheus on ${url} was not ready within 30 s:\n${log.slice(-2000)}`,
    );
  };

  const halt = async () => {
    const child = proc;
    proc = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>(resolve => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  };

  try {
    await launch();
  } catch (e) {
    await halt();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  return {
    url,
    port,
    dataDir,
    client: new PrometheusClient({ url }),
    async backfillRules(stages, range) {
      for (const [i, rules] of stages.entries()) {
        const ruleFile = join(dir, `backfill-${i}.yml`);
        const out = join(dir, `backfill-${i}`);
        await writeFile(ruleFile, rules);
        await promtool([
          'tsdb',
          'create-blocks-from',
          'rules',
          '--quiet',
          `--url=${url}`,
          `--start=${range.start}`,
          `--end=${range.end}`,
          `--eval-interval=${range.evalIntervalSeconds ?? 60}s`,
          `--output-dir=${out}`,
          ruleFile,
        ]);
        await halt();
        for (const block of await readdir(out)) {
          await rename(join(out, block), join(dataDir, block));
        }
        await launch();
      }
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Jest wiring: starts Prometheus in beforeAll (with a generous timeout, promtool
 * writes one block per two hours of history) and stops it in afterAll. Returns a
 * getter for the harness.
 */
export function usePrometheus(
  options: StartPrometheusOptions | (() => StartPrometheusOptions),
): () => PrometheusHarness {
  let harness: PrometheusHarness | undefined;
  beforeAll(async () => {
    harness = await startPrometheus(
      typeof options === 'function' ? options() : options,
    );
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  }, 30_000);
  return () => {
    if (!harness) throw new Error('Prometheus did not start (see beforeAll).');
    return harness;
  };
}

/** A time aligned to the hour, an hour or more before now: safe as a test's evaluation time. */
export function alignedEvalTime(nowMs = Date.now()): number {
  return Math.floor(nowMs / 3_600_000) * 3600 - 3600;
}
