import { describe, expect, it } from 'vitest'
import { loadApiTokens } from '../config/api-tokens.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { createLogger } from '../observability/logger.js'
import { createMetrics } from '../observability/metrics.js'
import type { EventPublisher } from '../pipeline/publisher.js'
import { ingestLimits } from './limits.js'
import type { HttpSecurity } from './security-policy.js'
import { createHttpServer } from './server.js'

const TOKENS = { ingest: 'ingest-token-0123456789', read: 'read-token-0123456789ab', admin: 'admin-token-0123456789a' }
const tokens = loadApiTokens(Object.entries(TOKENS).map(([r, t]) => `${r}:${t}`).join(','), undefined).tokens
const publisher: EventPublisher = { publishPredictions: async () => undefined, publishGroundTruth: async () => undefined }

function server(security: HttpSecurity) {
  const metrics = createMetrics({ processMetrics: false })
  metrics.eventsConsumed.inc({ topic: 'predictions' }, 2)
  return createHttpServer({ publisher, limits: ingestLimits(DEFAULT_FILE_CONFIG, 10), security, bodyLimitBytes: 1024 * 1024, logger: createLogger('silent'), metrics: metrics.registry })
}

describe('GET /metrics', () => {
  const app = server({ auth: 'tokens', tokens })
  const get = (token?: string) => app.inject({ method: 'GET', url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} })

  it.each([['read'], ['admin']] as const)('serves the Prometheus text format to a %s token', async (role) => {
    const res = await get(TOKENS[role])
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toContain('driftwatch_events_consumed_total{topic="predictions"} 2')
  })

  it('refuses no token (401) and an ingest-only token (403)', async () => {
    const [none, ingest] = [await get(), await get(TOKENS.ingest)]
    expect([none.statusCode, ingest.statusCode]).toEqual([401, 403])
    expect(none.headers['www-authenticate']).toBe('Bearer realm="driftwatch"')
    expect(ingest.json().error.code).toBe('DW_FORBIDDEN')
  })

  it('is open when the API runs without tokens (embedded mode on loopback)', async () => {
    const res = await server({ auth: 'open' }).inject('/metrics')
    expect(res.statusCode).toBe(200)
  })
})
