/**
 * Bench helper, run in a worker thread so that receiving frames does not steal the
 * engine's thread: opens N WebSocket clients to `url` and counts the frames each one
 * receives (without parsing them, to keep the receiving side cheap).
 */
// Plain JavaScript: worker threads do not inherit the tsx loader on Node 20.
import { Buffer } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';

const { url, clients } = workerData;
const frames = new Array(clients).fill(0);
const fills = new Array(clients).fill(0);
const closes = [];
const sockets = [];
const FILL = Buffer.from('"event_type":"paper_fill"');

let open = 0;
for (let i = 0; i < clients; i++) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(ws);
  ws.on('open', () => {
    open += 1;
    if (open === clients) parentPort.postMessage({ type: 'open' });
  });
  ws.on('message', (data) => {
    frames[i] += 1;
    if (data.indexOf(FILL) >= 0) fills[i] += 1;
  });
  ws.on('close', (code, reason) => closes.push(`${code} ${reason.toString()}`));
  ws.on('error', () => undefined);
}

parentPort.on('message', (msg) => {
  if (msg.type === 'report') parentPort.postMessage({ type: 'report', frames, fills, closes });
  else {
    for (const ws of sockets) ws.terminate();
    parentPort.close();
  }
});
