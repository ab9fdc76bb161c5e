/**
 * `driftwatch recompute` run in a test beside a started app, its output collected: the app holds
 * the chDB directory, so recompute shares its store (and must not close it).
 */
import type { App } from '../../src/app.js'
import { runRecompute, type RecomputeFlags } from '../../src/cli/recompute.js'
import type { RuntimeConfig } from '../../src/config/env.js'
import { createLogger } from '../../src/observability/logger.js'

export interface RecomputeRun {
  readonly code: number
  readonly out: readonly string[]
  readonly err: readonly string[]
  /** The progress bar's increments, then minus its total when it stops. */
  readonly progressed: readonly number[]
}

export async function recomputeBeside(app: App, config: RuntimeConfig, flags: RecomputeFlags): Promise<RecomputeRun> {
  const out: string[] = []
  const err: string[] = []
  const progressed: number[] = []
  const code = await runRecompute(config, flags, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: (_label, total) => ({ increment: (n) => progressed.push(n), stop: () => progressed.push(-total) }),
    logger: createLogger('silent'),
    openStore: () => ({ ...app.store, close: async () => undefined }),
  })
  return { code, out, err, progressed }
}
