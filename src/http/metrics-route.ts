/**
 * GET /metrics: the Prometheus text exposition of the registry the composition root created.
 * When tokens are configured it needs a token with role `read` (or `admin`): the series name
 * topics, models' tables and error codes, which an ingest-only client has no need to see.
 * Prometheus sends it with `authorization: { type: Bearer, credentials_file: ... }`
 * (docs/operations.md). Without tokens (embedded mode on loopback) it is open, like the API.
 */
import type { FastifyInstance } from 'fastify'
import type { ApiToken } from '../config/api-tokens.js'
import { requireRole } from './auth.js'
import { errorResponses } from './openapi.js'

/** What the route needs of a prom-client Registry. */
export interface MetricsSource {
  readonly contentType: string
  metrics(): Promise<string>
}

export function registerMetricsRoute(app: FastifyInstance, source: MetricsSource | undefined, tokens: readonly ApiToken[] | null): void {
  if (!source) return
  const schema = {
    operationId: 'metrics', summary: 'Prometheus metrics (text exposition format)', security: [{ bearerAuth: [] }],
    response: {
      200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } },
      ...errorResponses([401, 403]),
    },
  }
  app.get('/metrics', { onRequest: requireRole(tokens, ['read']), schema }, async (_request, reply) => {
    const body = await source.metrics()
    void reply.type(source.contentType).header('cache-control', 'no-store')
    return body
  })
}
