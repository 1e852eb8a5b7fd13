/**
 * The journal writer thread. The main thread posts runs and batches of serialized output
 * events; each batch is committed in one transaction here, so the engine never waits on
 * the disk. Replies: `ready` once the database is open, `committed` after each batch,
 * `error` when a write fails (the thread keeps going), `closed` on close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openJournalDb } from './db.ts';
import { JournalStore } from './store.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

const port = parentPort!;
const reply = (m: WorkerReply) => port.postMessage(m);

try {
  const db = openJournalDb((workerData as { dataDir: string }).dataDir);
  const store = new JournalStore(db);
  port.on('message', (m: WorkerRequest) => {
    try {
      switch (m.type) {
        case 'run':
          store.insertRun(m.row);
          break;
        case 'batch':
          store.insertBatch(m.runId, m.firstSeq, m.lines.split('\n'), m.meta);
          reply({ type: 'committed', rows: m.count });
          break;
        case 'trust':
          store.saveTrust(m.row);
          break;
        case 'stop':
          store.stopRun(m.runId, m.stoppedMs, m.status);
          break;
        case 'close':
          db.close();
          reply({ type: 'closed' });
          port.close();
          return;
      }
    } catch (err) {
      reply({ type: 'error', message: (err as Error).message, rows: m.type === 'batch' ? m.count : 0 });
    }
  });
  reply({ type: 'ready' });
} catch (err) {
  reply({ type: 'error', message: (err as Error).message, rows: 0, fatal: true });
}
