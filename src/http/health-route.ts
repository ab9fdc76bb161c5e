/**
 * Probes, without a token (orchestrators' probes rarely carry one; the answers name no host):
 *   GET /healthz  liveness: the process serves HTTP (200 {status: ok})
 *   GET /readyz   readiness: 200 {status: ready, checks} when every dependency answers,
 *                 503 {status: unavailable, checks} naming the failed ones with their DW_* code.
 *                 Only registered when the server is given a readiness check.
 */
import type { FastifyInstance } from 'fastify'
import type { ReadinessReport } from '../observability/readiness.js'
import { HealthSchema } from './schemas.js'

export interface ReadinessSource {
  check(): Promise<ReadinessReport>
}

const CheckSchema = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ok', 'failed'] }, code: { type: 'string', description: 'DW_* code of a failed check' } },
  required: ['status'],
  additionalProperties: false,
} as const

export const ReadinessSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: {
      type: 'object',
      properties: { clickhouse: CheckSchema, kafka: CheckSchema, registry: CheckSchema },
      additionalProperties: false,
    },
  },
  required: ['status', 'checks'],
  additionalProperties: false,
} as const

export function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessSource | undefined): void {
  app.get('/healthz', {
    schema: { operationId: 'healthz', summary: 'Liveness', security: [], response: { 200: { ...HealthSchema, description: 'The process serves HTTP.' } } },
  }, async () => ({ status: 'ok' as const }))
  if (!readiness) return
  app.get('/readyz', {
    schema: {
      operationId: 'readyz', summary: 'Readiness', security: [],
      response: { 200: { ...ReadinessSchema, description: 'Every dependency answers.' }, 503: { ...ReadinessSchema, description: 'A dependency failed; checks names it with its DW_* code.' } },
    },
  }, async (_request, reply) => {
    const report = await readiness.check()
    void reply.code(report.ready ? 200 : 503).header('cache-control', 'no-store')
    return { status: report.ready ? 'ready' : 'unavailable', checks: report.checks }
  })
}
