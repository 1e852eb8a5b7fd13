/**
 * The run summary printed at the end of `polylab run` and `polylab replay`: the read
 * model's summary (src/views/summary.ts) with the trust lines of the analytics room.
 */
import { formatTrust, type TrustReport } from '../analytics/trustReport.ts';
import { formatSummary as summaryText, type RunSummary } from '../views/summary.ts';

export { SummarySink, summaryOf, type RunSummary } from '../views/summary.ts';

export function formatSummary(s: RunSummary, trust?: TrustReport): string {
  return summaryText(s, trust ? formatTrust(trust) : []);
}
