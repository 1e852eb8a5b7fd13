/**
 * The Fastify app: REST routes with declared zod response schemas (served as OpenAPI at
 * /openapi.json), Prometheus metrics, and the /ws stream. `buildApi` builds the app
 * without listening, so tests can `inject()`; `startApi` listens.
 */
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { ApiMetrics } from './metrics.ts';
import type { LabState } from './state.ts';
import type { WsHub } from './ws.ts';
import { registerDashboard } from './static.ts';
import { registerRequestGuard, type GuardPolicy } from './wsGuard.ts';
import { basisWarnings, registerTrustRoutes, type TrustSources } from './trustRoutes.ts';
import type { Db } from '../journal/db.ts';
import { registerHistoryRoutes } from './journalRoutes.ts';
import {
  FeedHealthResponseSchema,
  HealthzResponseSchema,
  MarketsResponseSchema,
  PnlResponseSchema,
  PositionsResponseSchema,
  OrdersResponseSchema,
  ReadyzResponseSchema,
  type ErrorBody,
} from '../core/wire.ts';

export interface BuildApiOptions extends TrustSources {
  state: LabState;
  metrics: ApiMetrics;
  hub: WsHub;
  /** Largest message a WebSocket client may send; larger closes that socket (1009). */
  maxClientMessageBytes?: number;
  logger?: FastifyBaseLogger;
  /** Host and Origin checks (wsGuard.ts); defaults to a loopback server with no extra origins. */
  guard?: GuardPolicy;
  /** The built dashboard served at `/` (static.ts); defaults to web/dist. */
  webDir?: string;
  /** Read-only journal connection: /runs, /fills, /rejects, /settlements, /equity page through it. */
  journal?: Db;
}

function errorBody(code: ErrorBody['error']['code'], message: string, field: string | null = null): ErrorBody {
  return { error: { code, message, field } };
}

export async function buildApi(opts: BuildApiOptions): Promise<FastifyInstance> {
  // Per-request lines would flood the log at dashboard polling rates; errors are still logged.
  // forceCloseConnections: close() cuts every HTTP connection, so a client stuck half-way
  // through a request cannot hold up shutdown (WebSocket clients are closed by the hub).
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(onError);
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Polylab API', description: 'Live telemetry of the Polylab paper-trading lab (read-only).', version: '0.1.0' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: opts.maxClientMessageBytes ?? 4096, perMessageDeflate: false } });
  // After the WebSocket plugin: its own hooks then mark upgrade requests, so a refused
  // upgrade's socket is destroyed once the 403 is written instead of lingering.
  registerRequestGuard(app, opts.guard ?? { bindHost: '127.0.0.1', allowedOrigins: [] }, opts.metrics);
  registerRoutes(app, opts);
  registerDashboard(app, opts.webDir);
  registerTrustRoutes(app, opts);
  const basis = opts.basis;
  // Feed health (GET /feed/health and the WebSocket snapshot) carries the basis warnings.
  if (basis) opts.state.warnings = () => basisWarnings(basis());
  registerHistoryRoutes(app, { state: opts.state, journal: opts.journal });
  return app;
}

function onError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0]!;
    const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.') || null;
    reply
      .code(400)
      .send(errorBody('BAD_REQUEST', `invalid ${err.validationContext ?? 'request'} field "${field ?? '?'}": ${first.message}`, field));
    return;
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) reply.code(status).send(errorBody('BAD_REQUEST', err.message));
  else {
    req.log.error({ err, url: req.url }, 'request failed');
    reply.code(500).send(errorBody('INTERNAL', 'internal error'));
  }
}

function registerRoutes(root: FastifyInstance, opts: BuildApiOptions): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { state, metrics, hub } = opts;
  const startedMs = Date.now();

  app.get(
    '/feed/health',
    {
      schema: {
        description: 'Mode, per-source feed state and counts, reference price, Polymarket feed state',
        response: { 200: FeedHealthResponseSchema },
      },
    },
    () => state.feedHealth(),
  );
  app.get(
    '/markets/discovered',
    { schema: { description: 'Active markets with the latest best bid/ask per token', response: { 200: MarketsResponseSchema } } },
    () => ({ markets: state.marketList() }),
  );
  app.get('/positions', { schema: { description: 'Open paper positions', response: { 200: PositionsResponseSchema } } }, () => ({
    positions: state.positionList(),
  }));
  app.get(
    '/working-orders',
    { schema: { description: 'Working paper orders with their queue position', response: { 200: OrdersResponseSchema } } },
    () => ({ orders: state.orders.list() }),
  );
  app.get('/pnl', { schema: { description: 'Latest PnL', response: { 200: PnlResponseSchema } } }, () => ({ pnl: state.pnl() }));
  app.get('/healthz', { schema: { description: 'Liveness', response: { 200: HealthzResponseSchema } } }, () => ({
    status: 'ok' as const,
    uptime_s: (Date.now() - startedMs) / 1000,
  }));
  app.get(
    '/readyz',
    {
      schema: {
        description: 'Ready when the reference price and at least one market book are live',
        response: { 200: ReadyzResponseSchema, 503: ReadyzResponseSchema },
      },
    },
    (_req, reply) => {
      const r = state.readiness();
      reply.code(r.ready ? 200 : 503);
      return r;
    },
  );
  app.get('/metrics', { schema: { description: 'Prometheus metrics (text format)' } }, async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => root.swagger());
  app.get(
    '/ws',
    { websocket: true, schema: { description: 'WebSocket: `connected` snapshot, then the live event stream' } },
    (socket, req) => {
      hub.add(socket, req.raw.socket);
    },
  );
}

/** Listens and returns the URL actually bound (port 0 picks a free port). */
export async function startApi(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const addr = app.server.address();
  const boundPort = typeof addr === 'object' && addr ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${boundPort}`;
}
