#!/usr/bin/env node
// Open-loop load at a fixed offered rate, the way requests reach a server from a load
// balancer: one request every 1/RATE s on a schedule that does not wait for answers,
// over a keep-alive pool that opens a connection only when every open one is busy.
// Runs as its own process so the benchmark driver's work does not delay it.
//
//   node benchmarks/ofrep-offered-load.mjs '<json options>'
//     { url, rate, seconds, warmupSeconds, maxSockets, headers: [..], bodies: [..] }
//   headers[i % headers.length] and bodies[i % bodies.length] go with request i.
//
// Prints one JSON line: latency percentiles measured from each request's scheduled send
// time (so a stalled server or generator is charged for the requests it held back, the
// correction for coordinated omission), the same from the moment the request was written
// to a socket, and how late that write was (the generator's own contention and waiting
// for a free connection, to read next to the rest).
//
// Why not autocannon's overallRate: it gives each of its connections rate/connections
// requests per second, fired back to back when its 1 s tick comes, so the load arrives in
// one burst at the start of every second; and it records each latency with an expected
// interval of ceil(1 / per-connection rate) = 1 ms, which adds a synthetic sample for
// every millisecond of every response, weighting slow responses by their own length.
import net from 'node:net';

const opts = JSON.parse(process.argv[2]);
const { url, rate, seconds, warmupSeconds = 3, maxSockets = 64 } = opts;
const target = new URL(url);
const interval = 1000 / rate;

// Requests are written as prepared bytes on raw keep-alive sockets and answers read
// with a minimal HTTP/1.1 parser: node:http's client costs enough per request that, on
// a busy machine, the generator rather than the server would set the latency.
const prepared = Array.from({ length: 1000 }, (_, i) => {
  const body = Buffer.from(opts.bodies[i % opts.bodies.length]);
  const headers = Object.entries(opts.headers[i % opts.headers.length])
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([
    Buffer.from(
      `POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\n${headers}content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
    ),
    body,
  ]);
});

const fromSchedule = [];
const fromSend = [];
const sendLag = [];
let errors = 0;
let non2xx = 0;
let sent = 0;
let inFlight = 0;
let maxInFlight = 0;
/** Requests due but not yet written, oldest first (`head` is the next one). */
let queue = [];
let head = 0;
const idle = [];
/**
 * Idle connections are closed after this long, before the server's own keep-alive
 * timeout (node:http's default is 5 s) can close one as a request goes out on it, as a
 * load balancer's upstream keep-alive timeout is set below the server's.
 */
const IDLE_CLOSE_MS = 4000;
/** A request that waited this long for a connection is counted as a timeout and dropped. */
const QUEUE_TIMEOUT_MS = 5000;
let timeouts = 0;
let open = 0;

const HEAD_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

/** Length of the first complete response in `buf` and its status, or undefined. */
function complete(buf) {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const total = headEnd + 4 + Number(length[1]);
    return buf.length >= total ? { total, status } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const end = buf.indexOf(CHUNKED_END, headEnd);
    return end < 0 ? undefined : { total: end + CHUNKED_END.length, status };
  }
  return { total: headEnd + 4, status }; // 204/304: no body
}

function connection() {
  const socket = net.connect(Number(target.port), target.hostname);
  socket.setNoDelay(true);
  open += 1;
  const conn = { socket, job: undefined, buf: Buffer.alloc(0) };
  socket.on('data', d => {
    conn.buf = conn.buf.length ? Buffer.concat([conn.buf, d]) : d;
    const r = conn.job && complete(conn.buf);
    if (!r) return;
    conn.buf = conn.buf.subarray(r.total);
    finish(conn.job, r.status < 200 || r.status >= 300);
    conn.job = undefined;
    conn.idleSince = performance.now();
    idle.push(conn);
    pump();
  });
  const lost = () => {
    if (conn.dead) return;
    conn.dead = true;
    open -= 1;
    const i = idle.indexOf(conn);
    if (i >= 0) idle.splice(i, 1);
    if (conn.job) {
      inFlight -= 1;
      if (conn.job.record) errors += 1;
    }
    pump();
  };
  socket.on('error', lost);
  socket.on('close', lost);
  return conn;
}

function finish(job, bad) {
  const end = performance.now();
  inFlight -= 1;
  if (!job.record) return;
  if (bad) non2xx += 1;
  fromSchedule.push(end - job.scheduled);
  fromSend.push(end - job.start);
  sendLag.push(job.start - job.scheduled);
}

/** Hands queued requests to free connections, opening one while all are busy. */
function pump() {
  const now = performance.now();
  // the longest idle are at the bottom of the stack
  while (idle.length && now - idle[0].idleSince > IDLE_CLOSE_MS)
    idle.shift().socket.destroy();
  while (
    head < queue.length &&
    now - queue[head].scheduled > QUEUE_TIMEOUT_MS
  ) {
    const job = queue[head++];
    inFlight -= 1;
    if (job.record) timeouts += 1;
  }
  while (head < queue.length) {
    let conn = idle.pop();
    if (!conn) {
      if (open >= maxSockets) break;
      conn = connection();
    }
    const job = queue[head++];
    job.start = performance.now();
    conn.job = job;
    conn.socket.write(prepared[job.i % prepared.length]);
  }
  if (head > 10_000) {
    queue = queue.slice(head);
    head = 0;
  }
}

function fire(i, scheduled, record) {
  inFlight += 1;
  if (inFlight > maxInFlight) maxInFlight = inFlight;
  queue.push({ i, scheduled, record });
  pump();
}

/** Sends every request whose time has come, then waits for the next millisecond. */
function phase(durationSeconds, record) {
  return new Promise(resolve => {
    const t0 = performance.now();
    const total = Math.round(durationSeconds * rate);
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < total && t0 + i * interval <= now) {
        fire(sent++, t0 + i * interval, record);
        i++;
      }
      // a 1 ms timer rather than a busy loop: the generator must not take the CPU the
      // server needs; requests that came due meanwhile go out together on the next tick
      if (i < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
}

const pct = (values, p) => {
  if (!values.length) return null;
  const s = Float64Array.from(values).sort();
  const v = s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return Math.round(v * 100) / 100;
};
const summary = values => ({
  p50Ms: pct(values, 50),
  p90Ms: pct(values, 90),
  p99Ms: pct(values, 99),
  p999Ms: pct(values, 99.9),
  maxMs: pct(values, 100),
});

await phase(warmupSeconds, false);
const t0 = performance.now();
await phase(seconds, true);
const deadline = performance.now() + 10_000;
while (inFlight > 0 && performance.now() < deadline)
  await new Promise(r => setTimeout(r, 20));
const elapsed = (performance.now() - t0) / 1000;
for (const c of idle) c.socket.destroy();
process.stdout.write(
  `${JSON.stringify({
    offeredRate: rate,
    requests: fromSchedule.length,
    achievedRate: Math.round(fromSchedule.length / elapsed),
    errors: errors + inFlight,
    timeouts,
    non2xx,
    maxInFlight,
    fromSchedule: summary(fromSchedule),
    fromSend: summary(fromSend),
    sendLag: summary(sendLag),
  })}\n`,
);
// busy sockets of a server that never answered must not keep the process alive
process.exit(0);
