#!/usr/bin/env node
// The machine's floor for latency: a node:http server that reads the body and answers a
// fixed OFREP-shaped 200, with no key check and no evaluation. Measured at the offered
// rate next to the real servers, its p99 is what scheduling on the (shared) machine and
// the load generator cost; a server cannot do better than this in the same run.
//
//   node benchmarks/ofrep-null-server.mjs PORT
import http from 'node:http';

const [port] = process.argv.slice(2);
const body = JSON.stringify({
  key: 'new-checkout-flow',
  reason: 'TARGETING_MATCH',
  variant: 'off',
  value: false,
});
http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  })
  .listen(Number(port), '127.0.0.1', () =>
    process.stderr.write(`null server on :${port}\n`),
  );
