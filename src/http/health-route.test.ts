import Fastify from 'fastify'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import type { ReadinessReport } from '../observability/readiness.js'
import { ReadinessSchema, registerHealthRoutes } from './health-route.js'
import { ErrorBodySchema } from './schemas.js'

const isReadiness = new Ajv2020({ strict: true }).compile(ReadinessSchema)

function server(report: ReadinessReport | undefined) {
  const app = Fastify()
  app.addSchema({ $id: 'Error', ...ErrorBodySchema })
  registerHealthRoutes(app, report ? { check: async () => report } : undefined)
  return app
}

describe('GET /healthz and /readyz', () => {
  it('/readyz is 200 with every check when ready', async () => {
    const res = await server({ ready: true, checks: { clickhouse: { status: 'ok' }, kafka: { status: 'ok' }, registry: { status: 'ok' } } }).inject('/readyz')
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.json()).toEqual({ status: 'ready', checks: { clickhouse: { status: 'ok' }, kafka: { status: 'ok' }, registry: { status: 'ok' } } })
    expect(isReadiness(res.json())).toBe(true)
  })

  it('/readyz is 503 naming the failed dependency', async () => {
    const res = await server({ ready: false, checks: { clickhouse: { status: 'failed', code: 'DW_CLICKHOUSE_UNAVAILABLE' } } }).inject('/readyz')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'unavailable', checks: { clickhouse: { status: 'failed', code: 'DW_CLICKHOUSE_UNAVAILABLE' } } })
  })

  it('/readyz is 503 naming a stuck partition', async () => {
    const body = {
      status: 'unavailable',
      checks: { clickhouse: { status: 'ok' }, partitions: { status: 'failed', code: 'DW_PARTITION_STUCK' } },
      stuckPartitions: [{ topic: 'predictions', partition: 2, blockedSeconds: 61, failures: 7, lastCode: null }],
    }
    const res = await server({ ready: false, checks: body.checks as ReadinessReport['checks'], stuckPartitions: body.stuckPartitions }).inject('/readyz')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual(body)
    expect(isReadiness(res.json())).toBe(true)
  })

  it('/readyz is 503 naming a consumed topic that does not exist', async () => {
    const body = {
      status: 'unavailable',
      checks: { clickhouse: { status: 'ok' }, kafka: { status: 'failed', code: 'DW_TOPIC_MISMATCH' }, partitions: { status: 'ok' } },
      missingTopics: ['prod.predictions'],
    }
    const res = await server({ ready: false, checks: body.checks as ReadinessReport['checks'], missingTopics: body.missingTopics }).inject('/readyz')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual(body)
    expect(isReadiness(res.json())).toBe(true)
  })

  it('/healthz answers without a readiness check; /readyz then does not exist', async () => {
    const app = server(undefined)
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' })
    expect((await app.inject('/readyz')).statusCode).toBe(404)
  })
})
