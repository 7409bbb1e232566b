import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin HTTP proxy on loopback: each request goes to the next replica, as a
 * load balancer in front of two Backstage backends would send it. Written by hand
 * because it is twenty lines and only tests use it.
 */
export async function roundRobin(targets: http.Server[]) {
  const ports = targets.map(t => (t.address() as AddressInfo).port);
  let next = 0;
  const server = http.createServer((req, res) => {
    const port = ports[next++ % ports.length];
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', e => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(upstream);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    server,
    close: () => new Promise(r => server.close(r)),
  };
}
