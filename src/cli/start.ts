/**
 * `driftwatch start`: runs the pipeline and the HTTP ingest API until SIGTERM/SIGINT, then stops
 * accepting HTTP requests (letting those in flight finish their publish), stops fetching, flushes
 * and closes. The HTTP API's security is checked before anything starts, so a missing token is a
 * configuration error (exit 2), not a half-started service.
 */
import type { RuntimeConfig } from '../config/env.js'
import { loadFileConfig } from '../config/file.js'
import type { Logger } from '../observability/logger.js'
import { startApp } from '../app.js'
import { createKafka } from '../kafka/client.js'
import { createMetrics } from '../observability/metrics.js'
import { createReadiness } from '../observability/readiness.js'
import { startHttpServer, type RunningHttpServer } from '../http/listen.js'
import { httpSecurity } from '../http/security-policy.js'

export async function runStart(config: RuntimeConfig, logger: Logger): Promise<number> {
  const security = config.http.enabled ? httpSecurity(config) : null
  // Loaded once, so the HTTP API validates with exactly the limits the consumers use.
  const file = loadFileConfig(config.configFile)
  // Self-monitoring: one registry per process, recorded by the pipeline, served on GET /metrics.
  const metrics = createMetrics()
  const app = await startApp(config, logger, { file, metrics })
  const readiness = createReadiness({ store: app.store, kafka: config.kafka ? createKafka(config.kafka, logger) : null, registryUrl: config.registryUrl, logger })
  let http: RunningHttpServer | null = null
  try {
    if (security) http = await startHttpServer({ http: config.http, security, file, publisher: app.publisher, logger, metrics: metrics.registry, readiness })
  } catch (e) {
    await readiness.close()
    await app.stop()
    throw e
  }
  logger.info({ mode: app.mode, http: http?.url ?? 'disabled' }, 'driftwatch running; SIGTERM or Ctrl-C stops it')
  const signalled = new Promise<string>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s))
  })
  try {
    const signal = await Promise.race([signalled, app.done.then(() => null)])
    logger.info({ signal }, 'stopping')
    return 0
  } catch (e) {
    logger.fatal({ err: e }, 'pipeline failed')
    return 1
  } finally {
    // HTTP first: requests in flight still need the publisher.
    await http?.close()
    await readiness.close()
    await app.stop()
  }
}
