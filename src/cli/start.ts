/** `driftwatch start`: runs until SIGTERM/SIGINT, then stops fetching, flushes and closes. */
import type { RuntimeConfig } from '../config/env.js'
import type { Logger } from '../observability/logger.js'
import { startApp } from '../app.js'

export async function runStart(config: RuntimeConfig, logger: Logger): Promise<number> {
  const app = await startApp(config, logger)
  logger.info({ mode: app.mode }, 'driftwatch running; SIGTERM or Ctrl-C stops it')
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
    await app.stop()
  }
}
