/**
 * Mutation score per room from StrykerJS's JSON report (reports/mutation/mutation.json, written
 * by `npm run mutate`): score = (killed + timed out) / (killed + timed out + survived + no
 * coverage), as Stryker counts it. Prints a Markdown table for docs/testing.md.
 *
 *   npx tsx scripts/mutation-scores.ts [report.json]
 */
import { readFileSync } from 'node:fs';

interface Report {
  files: Record<string, { mutants: Array<{ status: string }> }>;
}

const file = process.argv[2] ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
const rooms = new Map<string, { killed: number; survived: number; noCoverage: number; files: number }>();
for (const [path, f] of Object.entries(report.files)) {
  const room = path.replace(/^.*?src\//, '').split('/')[0]!;
  const r = rooms.get(room) ?? { killed: 0, survived: 0, noCoverage: 0, files: 0 };
  r.files += 1;
  for (const m of f.mutants) {
    if (m.status === 'Killed' || m.status === 'Timeout') r.killed += 1;
    else if (m.status === 'Survived') r.survived += 1;
    else if (m.status === 'NoCoverage') r.noCoverage += 1;
  }
  rooms.set(room, r);
}
console.log('| room | files | mutants scored | killed | survived | no coverage | score |');
console.log('|---|---|---|---|---|---|---|');
for (const [room, r] of [...rooms].sort()) {
  const scored = r.killed + r.survived + r.noCoverage;
  const score = scored === 0 ? 'n/a' : `${((100 * r.killed) / scored).toFixed(1)} %`;
  console.log(`| \`${room}\` | ${r.files} | ${scored} | ${r.killed} | ${r.survived} | ${r.noCoverage} | ${score} |`);
}
