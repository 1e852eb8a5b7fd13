/**
 * The journal writer thread. The main thread posts runs and batches of serialized output
 * events; each batch is committed in one transaction here, so the engine never waits on
 * the disk. Replies: `ready` once the database is open, `committed` after each batch,
 * `error` when a write fails, `stopped` when a run's closing mark is written, `closed` on close.
 *
 * After the first batch that fails (disk full, I/O error) the journal takes no more events
 * of the run: it holds an exact prefix of the run, never a run with holes. The reserve file
 * kept beside the database is then deleted, so the run's closing mark (`incomplete`, with
 * the count) still fits on a disk that is full.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openJournalDb, reservePath, RESERVE_BYTES } from './db.ts';
import { JournalStore } from './store.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

const port = parentPort!;
const reply = (m: WorkerReply) => port.postMessage(m);
const { dataDir, maxPages } = workerData as { dataDir: string; maxPages?: number };

/** Best effort: the disk that refused the batch may refuse this too (the run's closing mark says it again). */
function noteMissing(store: JournalStore, runId: string, count: number): void {
  try {
    store.noteMissing(runId, count);
  } catch {
    // Nothing more to do here: the main thread counts the batch as not journaled either way.
  }
}

try {
  const db = openJournalDb(dataDir, { checked: true });
  // Tests make the database "full" at a few pages: SQLite then answers SQLITE_FULL exactly as on a full disk.
  if (maxPages !== undefined) db.pragma(`max_page_count = ${maxPages}`);
  const reserve = reservePath(dataDir);
  fs.writeFileSync(reserve, Buffer.alloc(RESERVE_BYTES));
  const store = new JournalStore(db);
  let broken: string | null = null;
  const breakOff = (message: string) => {
    broken = message;
    fs.rmSync(reserve, { force: true });
  };
  port.on('message', (m: WorkerRequest) => {
    try {
      switch (m.type) {
        case 'run':
          store.insertRun(m.row);
          break;
        case 'batch':
          if (broken !== null) {
            reply({
              type: 'error',
              message: `not journaled after an earlier failed write (${broken})`,
              rows: m.count,
              request: m.type,
              after: true,
            });
            break;
          }
          store.insertBatch(m.runId, m.firstSeq, m.lines.split('\n'), m.meta);
          reply({ type: 'committed', rows: m.count });
          break;
        case 'trust':
          // An incomplete run keeps no trust figures: they would describe events the journal does not hold.
          if (broken === null) store.saveTrust(m.row);
          break;
        case 'stop':
          store.stopRun(m.end);
          reply({ type: 'stopped', runId: m.end.runId });
          break;
        case 'close':
          db.close();
          fs.rmSync(reserve, { force: true });
          reply({ type: 'closed' });
          port.close();
          return;
      }
    } catch (err) {
      const message = (err as Error).message;
      if (m.type === 'batch') {
        breakOff(message);
        noteMissing(store, m.runId, m.count);
      }
      reply({ type: 'error', message, rows: m.type === 'batch' ? m.count : 0, request: m.type });
    }
  });
  reply({ type: 'ready' });
} catch (err) {
  reply({ type: 'error', message: (err as Error).message, rows: 0, fatal: true });
}
