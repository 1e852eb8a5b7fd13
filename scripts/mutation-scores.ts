/**
 * Mutation score per room from StrykerJS's JSON reports (reports/mutation/mutation.json, written
 * by `npm run mutate`, or one report per room as `.ci/mutate` keeps them): score = (killed +
 * timed out) / (killed + timed out + survived + no coverage), as Stryker counts it. Prints a
 * Markdown table for docs/testing.md, with a total row over the pure floors (every room but
 * the journal) when more than one of them is present. Reports are read in order and a later
 * report's mutants of a file replace an earlier report's, so a re-run of whole files on top of
 * a room's pass gives the room's current figure.
 *
 *   npx tsx scripts/mutation-scores.ts [report.json ...]
 */
import { readFileSync } from 'node:fs';

interface Report {
  files: Record<string, { mutants: Array<{ status: string }> }>;
}
interface Tally {
  killed: number;
  survived: number;
  noCoverage: number;
  files: number;
}

const reports = process.argv.length > 2 ? process.argv.slice(2) : ['reports/mutation/mutation.json'];
const byFile = new Map<string, string[]>();
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  for (const [path, f] of Object.entries(report.files))
    byFile.set(
      path,
      f.mutants.map((m) => m.status),
    );
}
const rooms = new Map<string, Tally>();
for (const [path, mutants] of byFile) {
  const room = path.replace(/^.*?src\//, '').split('/')[0]!;
  const r = rooms.get(room) ?? { killed: 0, survived: 0, noCoverage: 0, files: 0 };
  r.files += 1;
  for (const status of mutants) {
    if (status === 'Killed' || status === 'Timeout') r.killed += 1;
    else if (status === 'Survived') r.survived += 1;
    else if (status === 'NoCoverage') r.noCoverage += 1;
  }
  rooms.set(room, r);
}
const row = (name: string, r: Tally) => {
  const scored = r.killed + r.survived + r.noCoverage;
  const score = scored === 0 ? 'n/a' : `${((100 * r.killed) / scored).toFixed(1)} %`;
  return `| ${name} | ${r.files} | ${scored} | ${r.killed} | ${r.survived} | ${r.noCoverage} | ${score} |`;
};
console.log('| room | files | mutants scored | killed | survived | no coverage | score |');
console.log('|---|---|---|---|---|---|---|');
const pure: Tally = { killed: 0, survived: 0, noCoverage: 0, files: 0 };
let pureRooms = 0;
for (const [room, r] of [...rooms].sort()) {
  console.log(row(`\`${room}\``, r));
  if (room === 'journal') continue;
  pureRooms += 1;
  pure.killed += r.killed;
  pure.survived += r.survived;
  pure.noCoverage += r.noCoverage;
  pure.files += r.files;
}
if (pureRooms > 1) console.log(row(`pure floors (${pureRooms} rooms)`, pure));
