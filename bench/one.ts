/**
 * Runs one bench (`node --expose-gc --import tsx bench/one.ts <name>`) and hands its rows
 * to the parent (./run.ts) over the IPC channel; alone, it prints them. One process per
 * bench, so that no bench's figures depend on which benches ran before it in the same
 * process: V8 optimizes shared code (the engine, JSON.parse call sites) for whatever ran
 * first, and a bench's heap and open sockets would be the next one's load (measured: the
 * analytics ratio read 0.48×, 0.63× or 0.81× depending on the benches run before it).
 */
import { BENCHES } from './registry.ts';
import { printRows } from './rows.ts';

const name = process.argv[2] ?? '';
const load = BENCHES[name];
if (!load) {
  console.error(`unknown bench ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const rows = await (await load())();
if (process.send) {
  // Exit only once the rows are out: a worker or timer left behind must not hold the parent up.
  process.send(rows, () => process.exit(0));
} else {
  printRows(rows);
}
