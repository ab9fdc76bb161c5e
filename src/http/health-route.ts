/**
 * Probes, without a token (orchestrators' probes rarely carry one; the answers name no host). On a
 * server without tokens they answer, like every route, only a loopback Host (403 otherwise,
 * request-guards.ts): such a server listens on loopback only, so a probe reaches it from inside
 * its host or pod, as 127.0.0.1 or localhost, and sends that as Host.
 *   GET /healthz  liveness: the process serves HTTP (200 {status: ok})
 *   GET /readyz   readiness: 200 {status: ready, checks} when every dependency answers,
 *                 503 {status: unavailable, checks} naming the failed ones with their DW_* code,
 *                 stuckPartitions (topic, partition, seconds) when a partition is stuck, and
 *                 missingTopics when a consumed topic does not exist.
 *                 Only registered when the server is given a readiness check.
 */
import type { FastifyInstance } from 'fastify'
import type { ReadinessReport } from '../observability/readiness.js'
import { errorResponses, HOST_FORBIDDEN_TEXT } from './openapi.js'
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
      properties: { clickhouse: CheckSchema, kafka: CheckSchema, registry: CheckSchema, partitions: CheckSchema },
      additionalProperties: false,
    },
    stuckPartitions: {
      type: 'array',
      description: 'Partitions whose batch has not succeeded for longer than DRIFTWATCH_STUCK_PARTITION_MS',
      items: {
        type: 'object',
        properties: {
          topic: { type: 'string' },
          partition: { type: 'integer' },
          blockedSeconds: { type: 'integer', description: 'seconds the current batch has been retrying or hanging' },
          failures: { type: 'integer', description: 'retriable failures of the current batch' },
          lastCode: { type: ['string', 'null'], description: 'DW_* code of the last failure' },
        },
        required: ['topic', 'partition', 'blockedSeconds', 'failures', 'lastCode'],
        additionalProperties: false,
      },
    },
    missingTopics: {
      type: 'array',
      description: 'Consumed topics that do not exist (deleted while running); the kafka check fails with DW_TOPIC_MISMATCH',
      items: { type: 'string' },
    },
  },
  required: ['status', 'checks'],
  additionalProperties: false,
} as const

export function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessSource | undefined): void {
  app.get('/healthz', {
    schema: {
      operationId: 'healthz', summary: 'Liveness', security: [],
      response: { 200: { ...HealthSchema, description: 'The process serves HTTP.' }, ...errorResponses([403], { 403: HOST_FORBIDDEN_TEXT }) },
    },
  }, async () => ({ status: 'ok' as const }))
  if (!readiness) return
  app.get('/readyz', {
    schema: {
      operationId: 'readyz', summary: 'Readiness', security: [],
      response: {
        200: { ...ReadinessSchema, description: 'Every dependency answers.' },
        503: { ...ReadinessSchema, description: 'A dependency failed; checks names it with its DW_* code.' },
        ...errorResponses([403], { 403: HOST_FORBIDDEN_TEXT }),
      },
    },
  }, async (_request, reply) => {
    const report = await readiness.check()
    void reply.code(report.ready ? 200 : 503).header('cache-control', 'no-store')
    return {
      status: report.ready ? 'ready' : 'unavailable',
      checks: report.checks,
      ...(report.stuckPartitions ? { stuckPartitions: report.stuckPartitions } : {}),
      ...(report.missingTopics ? { missingTopics: report.missingTopics } : {}),
    }
  })
}
