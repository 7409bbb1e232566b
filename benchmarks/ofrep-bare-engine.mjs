#!/usr/bin/env node
// The floor the flag edge is measured against: bare node:http + @openfeature/flagd-core,
// OFREP single evaluation only, the client key checked by SHA-256 against a set of
// hashes. No rate limit, no usage counts, no health, no SSE: the least a correct OFREP
// server must do per request.
//
//   node benchmarks/ofrep-bare-engine.mjs PORT FLAGSET_JSON_FILE KEY_HASHES_COMMA_SEPARATED
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { FlagdCore } from '@openfeature/flagd-core';

const [port, file, hashes] = process.argv.slice(2);
const core = new FlagdCore();
core.setConfigurations(fs.readFileSync(file, 'utf8'));
const keys = new Set(hashes.split(','));
const PATH = '/ofrep/v1/evaluate/flags/';

http
  .createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    const hash = createHash('sha256').update(auth.slice(7)).digest('hex');
    if (!keys.has(hash)) {
      res.writeHead(401).end();
      return;
    }
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const key = decodeURIComponent(req.url.slice(PATH.length));
      const flag = core.getFlag(key);
      if (!flag) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ key, errorCode: 'FLAG_NOT_FOUND' }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const r = flag.evaluate(body.context ?? {});
      res.writeHead(r.errorCode ? 400 : 200, {
        'content-type': 'application/json',
      });
      res.end(
        JSON.stringify(
          r.errorCode
            ? { key, errorCode: r.errorCode }
            : { key, reason: r.reason, variant: r.variant, value: r.value },
        ),
      );
    });
  })
  .listen(Number(port), '127.0.0.1', () =>
    process.stderr.write(`bare engine on :${port}\n`),
  );
