/**
 * `driftwatch start`: runs the pipeline and the HTTP ingest API until SIGTERM/SIGINT, then, within
 * DRIFTWATCH_SHUTDOWN_TIMEOUT_MS (default 30 s), stops
 * accepting HTTP requests (letting those in flight finish their publish), stops fetching, flushes
 * and closes. The HTTP API's close gets at most half of that budget (stopAll): the server closes
 * the connections still open after its grace (server.ts), and should its close not end by then,
 * the pipeline is stopped anyway, so that a client can never keep the flush and commit from
 * running. The HTTP API's security is checked before anything starts, so a missing token is a
 * configuration error (exit 2), not a half-started service.
 */
import { createServer } from 'node:net'
import type { RuntimeConfig } from '../config/env.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import { loadFileConfig, type FileConfig } from '../config/file.js'
import type { Logger } from '../observability/logger.js'
import { startApp } from '../app.js'
import { createKafka } from '../kafka/client.js'
import { createMetrics } from '../observability/metrics.js'
import { createReadiness } from '../observability/readiness.js'
import { startHttpServer, type RunningHttpServer } from '../http/listen.js'
import { httpSecurity } from '../http/security-policy.js'
import { ensureUi } from '../ui/assets.js'
import { createReadQueries } from '../read/index.js'
import { removeInstanceFile, writeInstanceFile } from './instance-file.js'
import { silenceWrites } from './mute-targets.js'
import { roleProblem } from './configuration.js'
import type { Role } from './commands.js'


/**
 * What each role runs. `all` is every role in one process (the only choice in embedded mode). The
 * checks made before anything starts are those of the parts that run (./configuration.ts).
 */
export const ROLE_PARTS: Record<Role, { consume: boolean; evaluate: boolean; alerts: boolean; http: boolean }> = {
  all: { consume: true, evaluate: true, alerts: true, http: true },
  ingest: { consume: false, evaluate: false, alerts: false, http: true },
  processor: { consume: true, evaluate: false, alerts: false, http: false },
  evaluator: { consume: false, evaluate: true, alerts: false, http: false },
  alerts: { consume: false, evaluate: false, alerts: true, http: false },
}

const portInUse = (host: string, port: number, cause: unknown) =>
  new DriftwatchError(
    'DW_PORT_IN_USE',
    `port ${port} on ${host} is already in use (another \`driftwatch start\`?): stop what listens there, or set DRIFTWATCH_HTTP_PORT to a free port`,
    { cause },
  )

/** Binds the port for a moment: EADDRINUSE now is a clear error; the server binds it for real later. */
async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return
  await new Promise<void>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? portInUse(host, port, e) : e))
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()))
  })
}

interface Closeable {
  close(): Promise<void>
}

/**
 * The stop sequence, within `timeoutMs`: HTTP first (requests in flight still need the publisher),
 * waited for at most half the budget; then readiness, then the pipeline (stop fetching, flush,
 * commit, close), which always runs. 'timeout' when the whole took longer: uncommitted work is
 * replayed on restart.
 */
export async function stopAll(parts: { http: Closeable | null; readiness: Closeable; app: { stop(): Promise<void> } }, timeoutMs: number, logger: Logger): Promise<'stopped' | 'timeout'> {
  const timers: NodeJS.Timeout[] = []
  const after = <T>(ms: number, value: T) => new Promise<T>((r) => timers.push(setTimeout(() => r(value), ms)))
  const stopped = (async () => {
    if (parts.http) {
      const httpShareMs = Math.floor(timeoutMs / 2)
      // A close that fails is logged: the pipeline is stopped all the same.
      const closed = parts.http.close().then(
        () => 'closed' as const,
        (e: unknown) => {
          logger.error({ err: e }, 'closing the HTTP server failed; stopping the pipeline anyway')
          return 'closed' as const
        },
      )
      if ((await Promise.race([closed, after(httpShareMs, 'open' as const)])) === 'open') {
        logger.warn({ waitedMs: httpShareMs }, 'the HTTP server has not closed within half the shutdown budget; stopping the pipeline anyway')
      }
    }
    await parts.readiness.close()
    await parts.app.stop()
    return 'stopped' as const
  })()
  try {
    return await Promise.race([stopped, after(timeoutMs, 'timeout' as const)])
  } finally {
    for (const t of timers) clearTimeout(t)
  }
}

/**
 * Settles with 'parent exited' once this process's parent is gone: its parent process id changed
 * (it was re-parented to init or a subreaper). Checked every `pollMs` on a timer that keeps no
 * process alive.
 */
export function parentExit(pollMs = 1000, ppid: () => number = () => process.ppid): { readonly exited: Promise<string>; stop(): void } {
  const parent = ppid()
  let timer: NodeJS.Timeout | undefined
  const exited = new Promise<string>((resolve) => {
    timer = setInterval(() => {
      if (ppid() === parent) return
      clearInterval(timer)
      resolve('parent exited')
    }, pollMs)
    timer.unref()
  })
  return { exited, stop: () => clearInterval(timer) }
}

/**
 * `given`: driftwatch.yaml as the command checked it with the environment (./configuration.ts);
 * without it, read here.
 */
export async function runStart(config: RuntimeConfig, logger: Logger, role: Role = 'all', given?: FileConfig): Promise<number> {
  const misplaced = roleProblem(role, config)
  if (misplaced) throw new DriftwatchError('DW_CONFIG_INVALID', misplaced)
  const parts = ROLE_PARTS[role]
  const security = config.http.enabled && parts.http ? httpSecurity(config) : null
  // Loaded once, so the HTTP API validates with exactly the limits the consumers use.
  const file = given ?? loadFileConfig(config.configFile)
  // Self-monitoring: one registry per process, recorded by the pipeline, served on GET /metrics.
  const metrics = createMetrics()
  // A taken port is a user's mistake: say so before anything starts (and logs), not after.
  if (security) await assertPortFree(config.http.host, config.http.port)
  const app = await startApp(config, logger, { file, metrics, consume: parts.consume, evaluate: parts.evaluate, alerts: parts.alerts })
  const readiness = createReadiness({
    store: app.store,
    kafka: config.kafka ? createKafka(config.kafka, logger) : null,
    registryUrl: config.registryUrl,
    logger,
    ...(parts.consume && config.kafka ? { stuckPartitions: () => app.stuckPartitions(), topics: config.topics } : {}),
  })
  let http: RunningHttpServer | null = null
  try {
    const read = createReadQueries({ store: app.store, file, now: Date.now })
    if (security) http = await startHttpServer({
        http: config.http, security, file, publisher: app.publisher, logger, metrics: metrics.registry, readiness, read, uiDir: await ensureUi(),
        // `driftwatch alerts mute | unmute` write through these while this process holds the store.
        silences: silenceWrites(app.store, config, file),
        // Within stopAll's half of the budget, so that the server's own close ends before it.
        closeGraceMs: Math.min(10_000, Math.floor(config.shutdownTimeoutMs / 3)),
      })
  } catch (e) {
    await readiness.close()
    await app.stop()
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(config.http.host, config.http.port, e)
    throw e
  }
  // `driftwatch status` finds this instance's read API through this file (chDB's directory is ours).
  if (http) writeInstanceFile(config.clickhouse.dataDir, { pid: process.pid, url: http.url, port: http.port, started_at: new Date().toISOString() })
  logger.info({ mode: app.mode, role, http: http?.url ?? 'disabled' }, 'driftwatch running; SIGTERM or Ctrl-C stops it')
  const signalled = new Promise<string>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s))
  })
  // Run through npx (npm exec), this process is the child of `sh -c`, and npm passes no SIGTERM
  // on: a supervisor that stops the npx process it started would leave this one running, holding
  // its port, its data directory and its place in the consumer group. Its parent's exit stops it
  // as SIGTERM does. Elsewhere a parent's exit means nothing (nohup, a shell closed).
  const orphan = process.env['npm_command'] === 'exec' ? parentExit() : null
  try {
    const signal = await Promise.race([signalled, ...(orphan ? [orphan.exited] : []), app.done.then(() => null)])
    logger.info({ signal }, 'stopping')
    return 0
  } catch (e) {
    // A deployment's mistake found once running (an embedded instance refused by its consumer
    // group: src/kafka/source.ts) is one line through main.ts, as a start-up error is; a failure
    // of the pipeline itself is logged with its stack.
    if (isDriftwatchError(e) && e.code === 'DW_GROUP_SHARED_EMBEDDED_STORE') throw e
    logger.fatal({ err: e }, 'pipeline failed')
    return 1
  } finally {
    orphan?.stop()
    if (http) removeInstanceFile(config.clickhouse.dataDir, process.pid)
    if ((await stopAll({ http, readiness, app }, config.shutdownTimeoutMs, logger)) === 'timeout') {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'graceful stop timed out; exiting (uncommitted batches are replayed on restart)')
      process.exitCode = 1
      setImmediate(() => process.exit(1))
    }
  }
}
