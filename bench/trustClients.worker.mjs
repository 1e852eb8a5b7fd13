// Burst clients of the trust bench (./trust.bench.ts): `n` concurrent GETs, half /trust and half
// /strategies, each body read in full; in a thread of their own so their parsing is not the server's
// load. At most 256 sockets at once (the rest wait in the agent's queue): a thousand simultaneous
// connects overflow the server's listen backlog and are reset, which measures the kernel, not the lab.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const { url, n } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const get = (path) =>
  new Promise((resolve, reject) => {
    http
      .get(`${url}${path}`, { agent }, (res) => {
        let bytes = 0;
        res.on('data', (d) => (bytes += d.length));
        res.on('end', () => resolve(bytes));
      })
      .on('error', reject);
  });
const t0 = performance.now();
const sizes = await Promise.all(Array.from({ length: n }, (_, i) => get(i % 2 ? '/strategies' : '/trust')));
agent.destroy();
parentPort.postMessage({ ms: performance.now() - t0, bytes: sizes.reduce((a, b) => a + b, 0) });
