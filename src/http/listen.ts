/** Starts the HTTP API on the configured address; `close` stops accepting and lets requests finish. */
import type { RuntimeConfig } from '../config/env.js'
import type { FileConfig } from '../config/file.js'
import type { Logger } from '../observability/logger.js'
import type { EventPublisher } from '../pipeline/publisher.js'
import type { ReadinessSource } from './health-route.js'
import { ingestLimits } from './limits.js'
import type { MetricsSource } from './metrics-route.js'
import type { ReadQueries } from '../read/index.js'
import type { SilenceWrites } from '../alerts/silences.js'
import type { HttpSecurity } from './security-policy.js'
import { createHttpServer } from './server.js'

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

export interface HttpStartOptions {
  readonly http: RuntimeConfig['http']
  /** From httpSecurity(config), checked before anything else starts. */
  readonly security: HttpSecurity
  readonly file: FileConfig
  readonly publisher: EventPublisher
  readonly logger: Logger
  readonly now?: () => number
  /** Served at GET /metrics (role read or admin). */
  readonly metrics?: MetricsSource
  /** Answers GET /readyz. */
  readonly readiness?: ReadinessSource
  /** The web UI's built files, served at / (src/ui/assets.ts). */
  readonly uiDir?: string
  /** Answers the read API (role read or admin). */
  readonly read?: ReadQueries
  /** Writes silences for POST / DELETE /v1/alerts/silences (role admin). */
  readonly silences?: SilenceWrites
  /** How long close() lets requests in flight finish before closing the connections still open (server.ts). */
  readonly closeGraceMs?: number
}

export async function startHttpServer(o: HttpStartOptions): Promise<RunningHttpServer> {
  const server = createHttpServer({
    publisher: o.publisher,
    limits: ingestLimits(o.file, o.http.maxItems),
    security: o.security,
    bodyLimitBytes: o.http.bodyLimitBytes,
    logger: o.logger,
    ...(o.now ? { now: o.now } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...(o.readiness ? { readiness: o.readiness } : {}),
    ...(o.uiDir ? { uiDir: o.uiDir } : {}),
    ...(o.read ? { read: o.read } : {}),
    ...(o.silences ? { silences: o.silences } : {}),
    ...(o.closeGraceMs !== undefined ? { closeGraceMs: o.closeGraceMs } : {}),
  })
  await server.listen({ host: o.http.host, port: o.http.port })
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : o.http.port
  const host = o.http.host.includes(':') ? `[${o.http.host}]` : o.http.host
  const url = `http://${host}:${port}`
  if (o.security.auth === 'open') {
    o.logger.warn(
      { url },
      'HTTP API WITHOUT AUTHENTICATION: no DRIFTWATCH_API_TOKENS are configured; anyone who can reach this loopback address can ingest. Allowed only in embedded mode on 127.0.0.1/::1.',
    )
  } else {
    o.logger.info({ url, tokens: o.security.tokens.length }, 'HTTP API listening')
  }
  return { url, port, close: () => server.close() }
}
