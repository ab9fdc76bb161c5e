/**
 * The HTTP API as a fastify instance, without listening (tests use `inject`; listen.ts binds it).
 * Routes: POST /v1/predictions, POST /v1/labels (role ingest or admin), GET /healthz, GET /readyz
 * and GET /openapi.json (no token: probes and API clients' generators need them), GET /metrics
 * (role read or admin). /readyz and /metrics exist when their dependency is given.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from '../observability/logger.js'
import type { EventPublisher } from '../pipeline/publisher.js'
import { requireRole } from './auth.js'
import { errorHandler, notFoundHandler } from './error-reply.js'
import { registerHealthRoutes, type ReadinessSource } from './health-route.js'
import { ingestHandler } from './ingest-route.js'
import type { IngestLimits } from './limits.js'
import { registerMetricsRoute, type MetricsSource } from './metrics-route.js'
import { openApiDocument } from './openapi.js'
import { ErrorBodySchema, IngestResponseSchema } from './schemas.js'
import type { HttpSecurity } from './security-policy.js'
import { registerUiRoutes } from '../ui/static-route.js'

export interface HttpServerDeps {
  readonly publisher: EventPublisher
  readonly limits: IngestLimits
  readonly security: HttpSecurity
  readonly bodyLimitBytes: number
  readonly logger: Logger
  readonly now?: () => number
  /** Served at GET /metrics (a prom-client Registry). */
  readonly metrics?: MetricsSource
  /** Answers GET /readyz. */
  readonly readiness?: ReadinessSource
  /** The web UI's built files (dist/ui), served at / when given. */
  readonly uiDir?: string
}

export function createHttpServer(deps: HttpServerDeps): FastifyInstance {
  const log: FastifyBaseLogger = deps.logger.child({ component: 'http' })
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: deps.bodyLimitBytes,
    // Per-request lines only at debug (onResponse below): at ingest rates fastify's default info
    // lines would flood the log.
    logController: new LogController({ disableRequestLogging: true }),
    // Time to receive a whole request (not to answer it): bounds slow clients holding sockets.
    requestTimeout: 60_000,
  })
  // JSON only: without this, fastify's text/plain parser would hand a string to the routes (400)
  // where a wrong Content-Type deserves 415.
  app.removeContentTypeParser('text/plain')
  app.setErrorHandler(errorHandler(deps.bodyLimitBytes))
  app.setNotFoundHandler(notFoundHandler)
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request')
  })

  const tokens = deps.security.auth === 'tokens' ? deps.security.tokens : null
  const ingest = {
    onRequest: requireRole(tokens, ['ingest']),
    schema: { response: { 200: IngestResponseSchema, '4xx': ErrorBodySchema, '5xx': ErrorBodySchema } },
  }
  const ingestDeps = { publisher: deps.publisher, limits: deps.limits, now: deps.now ?? Date.now }
  app.post('/v1/predictions', ingest, ingestHandler('prediction', ingestDeps))
  app.post('/v1/labels', ingest, ingestHandler('ground-truth', ingestDeps))

  registerHealthRoutes(app, deps.readiness)
  registerMetricsRoute(app, deps.metrics, tokens)
  const document = openApiDocument({ validation: deps.limits.validation, maxItems: deps.limits.maxItems, bodyLimitBytes: deps.bodyLimitBytes })
  app.get('/openapi.json', async () => document)
  if (deps.uiDir) registerUiRoutes(app, deps.uiDir)
  return app
}
