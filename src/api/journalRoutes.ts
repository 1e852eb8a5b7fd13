/**
 * The history routes: `/runs`, `/fills`, `/rejects`, `/settlements`, `/equity`. With a
 * journal they page through it (every run in the data dir; `limit`, `before` = the
 * previous page's `next_before`, `run_id` defaulting to the current run, `market_id`);
 * it lags the live stream by at most one commit interval. Without one (tests, a lab whose
 * journal could not be read), `/runs`, `/fills` and `/rejects` answer from the in-memory
 * window and the journal-only routes say so (503 NOT_READY).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PnlSchema, SettlementSchema, type PaperFill, type RiskReject, type Settlement } from '../core/outputs.ts';
import type { Db } from '../journal/db.ts';
import { countEvents, eventsPage, getRun, lastRun, listRuns, rejectOccurrencesByReason, rejectsByReason } from '../journal/queries.ts';
import {
  ErrorBodySchema,
  FillsResponseSchema,
  LIMIT_MAX,
  RejectsResponseSchema,
  RunInfoSchema,
  RunModeSchema,
  type ErrorBody,
} from '../core/wire.ts';
import type { LabState } from './state.ts';

export const HistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(100),
  market_id: z.string().min(1).max(200).optional(),
  /** Cursor: only rows older than this (the previous page's `next_before`). */
  before: z.coerce.number().int().positive().optional(),
  /** A run of the journal (default: the current run, else the latest). */
  run_id: z.string().min(1).max(200).optional(),
});
type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

const page = { run_id: z.string().nullable(), next_before: z.number().int().nullable() };
const JournalRunSchema = RunInfoSchema.extend({
  mode: RunModeSchema,
  status: z.enum(['running', 'stopped', 'crashed', 'incomplete', 'failed']),
  /** The run whose account this run continued after a crash. */
  parent_run_id: z.string().nullable(),
  /** The captured run this run replayed. */
  replay_of: z.string().nullable(),
  equity: z.number().nullable(),
});
export const HistoryRunsResponseSchema = z.object({
  runs: z.array(JournalRunSchema.partial({ status: true, parent_run_id: true, replay_of: true, equity: true })),
});
export const HistoryFillsResponseSchema = FillsResponseSchema.extend(page);
export const HistoryRejectsResponseSchema = RejectsResponseSchema.extend(page);
export const SettlementsResponseSchema = z.object({
  settlements: z.array(SettlementSchema),
  total: z.number().int().nonnegative(),
  ...page,
});
export const EquityResponseSchema = z.object({ equity: z.array(PnlSchema), ...page });

const errors = { 400: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema };
const fail = (code: ErrorBody['error']['code'], message: string): ErrorBody => ({ error: { code, message, field: null } });
/** Sets the status and hands back the body (the route returns it, so the response schema applies). */
const err = (reply: { code: (n: number) => unknown }, status: 404 | 503, body: ErrorBody): ErrorBody => {
  reply.code(status);
  return body;
};

export interface HistoryOptions {
  state: LabState;
  /** A read-only connection to the journal, when there is one. */
  journal?: Db;
}

const typed = (root: FastifyInstance) => root.withTypeProvider<ZodTypeProvider>();
type App = ReturnType<typeof typed>;
type RunOf = { runId: string | null } | { error: ErrorBody };
/** What every history route shares: the app, the lab's state, the journal, and how a query names its run and page. */
interface Routes {
  app: App;
  state: LabState;
  journal: Db | undefined;
  /** The run a query is about, or an error reply. */
  runOf: (q: HistoryQuery) => RunOf;
  pageOf: <T>(q: HistoryQuery, runId: string | null, type: string) => { items: T[]; next_before: number | null };
}

export function registerHistoryRoutes(root: FastifyInstance, opts: HistoryOptions): void {
  const { state, journal } = opts;
  const r: Routes = {
    app: typed(root),
    state,
    journal,
    runOf: (q) => {
      if (!journal) return { runId: null };
      const id = q.run_id ?? state.currentRun()?.run_id ?? lastRun(journal)?.run_id ?? null;
      if (q.run_id !== undefined && !getRun(journal, q.run_id)) return { error: fail('NOT_FOUND', `no run ${q.run_id} in the journal`) };
      return { runId: id };
    },
    pageOf: <T>(q: HistoryQuery, runId: string | null, type: string) =>
      runId === null || !journal
        ? { items: [] as T[], next_before: null }
        : eventsPage<T>(journal, { runId, eventType: type, limit: q.limit, before: q.before, marketId: q.market_id }),
  };
  registerRuns(r);
  registerFills(r);
  registerRejects(r);
  registerSettlements(r);
  registerEquity(r);
}

function registerRuns({ app, state, journal }: Routes): void {
  app.get(
    '/runs',
    {
      schema: {
        description: 'Every run in the data dir (journal), oldest first; without a journal, the runs of this process',
        response: { 200: HistoryRunsResponseSchema },
      },
    },
    () => {
      if (!journal) return { runs: state.runList() };
      const current = state.currentRun()?.run_id;
      return {
        runs: listRuns(journal).map((r) => ({
          run_id: r.run_id,
          mode: RunModeSchema.parse(r.mode),
          seed: r.seed,
          strategy: r.strategy,
          started_ms: r.started_ms,
          stopped_ms: r.stopped_ms,
          fills: r.fills,
          rejects: r.rejects,
          settlements: r.settlements,
          current: r.run_id === current,
          status: r.status,
          parent_run_id: r.parent_run_id,
          replay_of: r.replay_of,
          equity: r.equity,
        })),
      };
    },
  );
}

function registerFills({ app, state, journal, runOf, pageOf }: Routes): void {
  app.get(
    '/fills',
    {
      schema: {
        description: 'Paper fills of a run, newest first, paged (limit, before, run_id, market_id)',
        querystring: HistoryQuerySchema,
        response: { 200: HistoryFillsResponseSchema, ...errors },
      },
    },
    (req, reply) => {
      if (!journal)
        return {
          fills: state.recentFills(req.query.limit, req.query.market_id),
          total: state.fills.total,
          run_id: state.currentRun()?.run_id ?? null,
          next_before: null,
        };
      const run = runOf(req.query);
      if ('error' in run) return err(reply, 404, run.error);
      const p = pageOf<PaperFill>(req.query, run.runId, 'paper_fill');
      return {
        fills: p.items,
        total: run.runId === null ? 0 : countEvents(journal, run.runId, 'paper_fill'),
        run_id: run.runId,
        next_before: p.next_before,
      };
    },
  );
}

function registerRejects({ app, state, journal, runOf, pageOf }: Routes): void {
  app.get(
    '/rejects',
    {
      schema: {
        description: 'Risk rejects of a run, newest first, paged, and counts by reason',
        querystring: HistoryQuerySchema,
        response: { 200: HistoryRejectsResponseSchema, ...errors },
      },
    },
    (req, reply) => {
      if (!journal) {
        return {
          rejects: state.recentRejects(req.query.limit, req.query.market_id),
          total: state.rejects.total,
          by_reason: state.rejectCounts(),
          occurrences: state.rejectOccurrences,
          occurrences_by_reason: state.rejectOccurrenceCounts(),
          run_id: state.currentRun()?.run_id ?? null,
          next_before: null,
        };
      }
      const run = runOf(req.query);
      if ('error' in run) return err(reply, 404, run.error);
      const p = pageOf<RiskReject>(req.query, run.runId, 'risk_reject');
      const byReason = run.runId === null ? {} : rejectsByReason(journal, run.runId);
      const occurrences = run.runId === null ? {} : rejectOccurrencesByReason(journal, run.runId);
      const sum = (m: Record<string, number>) => Object.values(m).reduce((s, n) => s + n, 0);
      return {
        rejects: p.items,
        total: sum(byReason),
        by_reason: byReason,
        occurrences: sum(occurrences),
        occurrences_by_reason: occurrences,
        run_id: run.runId,
        next_before: p.next_before,
      };
    },
  );
}

function registerSettlements({ app, journal, runOf, pageOf }: Routes): void {
  app.get(
    '/settlements',
    {
      schema: {
        description: 'Settlements of a run, newest first, paged (journal)',
        querystring: HistoryQuerySchema,
        response: { 200: SettlementsResponseSchema, ...errors },
      },
    },
    (req, reply) => {
      if (!journal) return err(reply, 503, fail('NOT_READY', 'no journal: settlements are kept in the journal only'));
      const run = runOf(req.query);
      if ('error' in run) return err(reply, 404, run.error);
      const p = pageOf<Settlement>(req.query, run.runId, 'settlement');
      return {
        settlements: p.items,
        total: run.runId === null ? 0 : countEvents(journal, run.runId, 'settlement'),
        run_id: run.runId,
        next_before: p.next_before,
      };
    },
  );
}

function registerEquity({ app, journal, runOf, pageOf }: Routes): void {
  app.get(
    '/equity',
    {
      schema: {
        description: 'Equity curve of a run (its pnl events), newest first, paged (journal)',
        querystring: HistoryQuerySchema.omit({ market_id: true }),
        response: { 200: EquityResponseSchema, ...errors },
      },
    },
    (req, reply) => {
      if (!journal) return err(reply, 503, fail('NOT_READY', 'no journal: the equity curve is kept in the journal only'));
      const run = runOf(req.query);
      if ('error' in run) return err(reply, 404, run.error);
      const p = pageOf<z.infer<typeof PnlSchema>>({ ...req.query, market_id: undefined }, run.runId, 'pnl');
      return { equity: p.items, run_id: run.runId, next_before: p.next_before };
    },
  );
}
