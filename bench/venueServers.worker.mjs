/**
 * Bench helper for bench/ingest.bench.ts, run in a worker thread so that sending does not
 * steal the client's thread: one loopback WebSocket server per venue. On each connection it
 * sends the venue's greeting frames, answers our subscribe frame(s) with the venue's replies
 * (both prepared by the caller from test/integration/fakes/venueProtocols.ts), then sends
 * every frame of the venue's corpus as fast as the client reads them.
 *
 * The corpus is framed once, up front, as RFC 6455 server-to-client text frames (FIN, opcode
 * 1, no mask: https://www.rfc-editor.org/rfc/rfc6455#section-5.2), and written to the
 * connection's TCP socket in large slices, pausing whenever the socket asks to (`write`
 * returns false) until it drains. The client receives byte for byte what `ws.send` of each
 * frame would produce, but the sender costs next to nothing per frame, so on a two-core
 * machine the figure measures the client rather than the server.
 */
// Plain JavaScript: worker threads do not inherit the tsx loader on Node 20.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocketServer } from 'ws';

const SLICE_BYTES = 256 * 1024;

/** The frames [offsets[i], offsets[i+1]) of `data`, each as one unmasked text frame, in one Buffer. */
function frameAll(data, offsets, count) {
  const parts = [];
  for (let i = 0; i < count; i++) {
    const payload = data.subarray(offsets[i], offsets[i + 1]);
    const n = payload.length;
    let head;
    if (n < 126) head = Buffer.from([0x81, n]);
    else if (n < 65536) head = Buffer.from([0x81, 126, n >> 8, n & 0xff]);
    else {
      head = Buffer.alloc(10);
      head[0] = 0x81;
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
    parts.push(head, payload);
  }
  return Buffer.concat(parts);
}

/** Writes `wire` to `socket` in slices, waiting for 'drain' whenever the socket is full. */
function stream(socket, wire) {
  let at = 0;
  const step = () => {
    while (at < wire.length && !socket.destroyed) {
      const slice = wire.subarray(at, at + SLICE_BYTES);
      at += slice.length;
      if (!socket.write(slice)) {
        socket.once('drain', step);
        return;
      }
    }
  };
  step();
}

function serve(v) {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  http.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined);
      for (const f of v.connectFrames) ws.send(f);
      let answered = 0;
      ws.on('message', () => {
        if (answered >= v.replies.length) return; // pings and the like: not needed here
        // ws writes a reply to the socket before returning, so it precedes the stream.
        for (const f of v.replies[answered]) ws.send(f);
        answered += 1;
        if (answered === v.replies.length) stream(socket, v.wire);
      });
      if (v.replies.length === 0) stream(socket, v.wire);
    });
  });
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve({ http, wss, port: http.address().port })));
}

const venues = workerData.venues.map((v) => ({ ...v, wire: frameAll(Buffer.from(v.data), new Uint32Array(v.offsets), v.count) }));
const servers = await Promise.all(venues.map(serve));
parentPort.postMessage({ type: 'ready', ports: servers.map((s) => s.port) });
parentPort.on('message', () => {
  for (const s of servers) {
    for (const c of s.wss.clients) c.terminate();
    s.wss.close();
    s.http.close();
  }
  parentPort.close();
});
