/**
 * `driftwatch recompute --model <id> --from <date> --to <date>`: marks every window holding stored
 * predictions of the model with event time in [from, to) (window size from driftwatch.yaml, all
 * versions), then evaluates the model's due windows once, with progress, each under a new metric
 * version (the newest version wins in queries and dashboards). The streaming detectors are
 * replayed from before --from in event order, and the later windows whose concept rows that
 * changes are evaluated too. Use it after changing a model's settings, after `driftwatch erase`,
 * or to backfill metrics.
 * Raw rows expire after retention.raw while metrics stay: a window with none of its predictions
 * left keeps its stored metrics and detector checkpoints (src/evaluate/expired-window.ts); a range
 * reaching windows old enough for that (expirableBeforeMs) gets a note saying so, and such windows
 * are counted.
 * Exit codes: 0 done, 1 ClickHouse or evaluation failure (safe to run again), 2 usage.
 */
import { z } from 'zod'
import type { RuntimeConfig } from '../config/env.js'
import { loadFileConfig, modelConfig, type FileConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import { refeedDetectors } from '../evaluate/detector-run.js'
import { dueWindows, type DueWindow } from '../evaluate/due.js'
import { Evaluator } from '../evaluate/evaluator.js'
import { expirableBeforeMs } from '../evaluate/expired-window.js'
import { writeDetectorRun } from '../evaluate/write.js'
import { createLogger, type Logger } from '../observability/logger.js'
import { createDeadLetterSink } from '../pipeline/dead-letter-sink.js'
import { openStore } from '../store/clickhouse.js'
import { markWindows, windowsWithPredictions } from '../store/mark-windows.js'
import { formatDuration } from '../window/duration.js'
import { EXIT } from './command.js'
import { openForMaintenance } from './maintenance-store.js'
import { progress as terminalProgress } from './progress.js'
import { linesTo } from './output.js'

export interface RecomputeFlags {
  readonly model: string
  readonly from: string
  readonly to: string
}

export interface RecomputeDeps {
  readonly out?: (line: string) => void
  readonly err?: (line: string) => void
  readonly progress?: typeof terminalProgress
  readonly now?: () => number
  readonly logger?: Logger
  readonly openStore?: typeof openStore
  /** driftwatch.yaml as the command checked it with the environment (./configuration.ts); default: read here. */
  readonly file?: FileConfig
}

const isoTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => Date.parse(s))

/** --from/--to: an ISO date (UTC midnight) or date-time with offset; from before to. */
export function parseRange(flags: Pick<RecomputeFlags, 'from' | 'to'>): { fromMs: number; toMs: number } {
  const from = isoTime.safeParse(flags.from)
  const to = isoTime.safeParse(flags.to)
  const problems = [
    ...(from.success ? [] : [`--from: "${flags.from}" is not a date (2026-11-01) or date-time (2026-11-01T12:00:00Z)`]),
    ...(to.success ? [] : [`--to: "${flags.to}" is not a date (2026-11-08) or date-time (2026-11-08T00:00:00Z)`]),
  ]
  if (from.success && to.success && from.data >= to.data) problems.push('--from must be before --to')
  if (problems.length) throw new DriftwatchError('DW_CONFIG_INVALID', problems.join('; '), { problems })
  return { fromMs: from.data!, toMs: to.data! }
}

export async function runRecompute(config: RuntimeConfig, flags: RecomputeFlags, deps: RecomputeDeps = {}): Promise<number> {
  const out = deps.out ?? linesTo(process.stdout)
  const err = deps.err ?? linesTo(process.stderr)
  const now = deps.now ?? Date.now
  let range: { fromMs: number; toMs: number }
  try {
    if (flags.model.trim() === '') throw new DriftwatchError('DW_CONFIG_INVALID', '--model must not be empty')
    range = parseRange(flags)
  } catch (e) {
    err(`driftwatch: DW_CONFIG_INVALID: ${(e as Error).message}`)
    return EXIT.config
  }
  const file = deps.file ?? loadFileConfig(config.configFile)
  const model = modelConfig(file, flags.model)
  if (!file.models.some((m) => m.id === flags.model)) err(`note: model ${flags.model} is not listed in the configuration file; using the defaults (window ${formatDuration(model.window)})`)
  const logger = deps.logger ?? createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, { format: config.logFormat })
  const store = await openForMaintenance(config, deps.openStore ?? openStore, { file, logger })
  try {
    // Windows starting before this may have lost their raw rows to retention.raw.
    const expirableBefore = expirableBeforeMs(now(), file.retention.raw, file.ingest.maxFutureMs)
    if (range.fromMs < expirableBefore) {
      err(`note: --from ${flags.from} reaches windows whose raw rows may have expired (retention.raw ${formatDuration(file.retention.raw)}); one with none left keeps its stored metrics and detector checkpoints instead of being recomputed from nothing`)
    }
    const windows = await windowsWithPredictions(store, { modelId: flags.model, modelVersion: null, ...range }, model.window)
    const marked = await markWindows(store, windows, 'recompute', `${flags.model}:${now()}`)
    out(`model ${flags.model}: ${marked} window(s) of ${formatDuration(model.window)} with predictions in [${flags.from}, ${flags.to}) marked for re-evaluation`)
    // The detectors are replayed from before --from in event order (their checkpoints are not
    // trusted: a fix or a changed setting may change them); windows whose concept rows change
    // are marked and evaluated below with the others.
    const spec = { task: model.task, positiveClass: model.positiveClass ?? '1' }
    for (const modelVersion of new Set(windows.map((w) => w.modelVersion))) {
      const run = await refeedDetectors(store, { modelId: flags.model, modelVersion, windowMs: model.window, spec, expirableBeforeMs: expirableBefore }, range.fromMs)
      if (run) await writeDetectorRun(store, run, now(), `${flags.model}:${modelVersion}`)
    }

    const due = (await dueWindows(store, (id) => modelConfig(file, id).allowedLateness)).filter((w) => w.modelId === flags.model)
    const evaluator = new Evaluator({ store, file, deadLetters: createDeadLetterSink(store, null), logger, now })
    const bar = (deps.progress ?? terminalProgress)('evaluating windows', due.length)
    const evaluated: DueWindow[] = []
    try {
      for (const w of due) {
        if ((await evaluator.evaluateWindow(w)) === 'stored') evaluated.push(w)
        bar.increment(1)
      }
    } finally {
      bar.stop()
    }
    // The champion/challenger comparison of each window, over the rows as they are now (after
    // an erase, without the erased subject's); a window kept as stored keeps its comparison too.
    const failed = await evaluator.compareVersions(evaluated)
    out(`model ${flags.model}: ${evaluated.length} window(s) evaluated, each under a new metric version`)
    const kept = due.length - evaluated.length
    if (kept > 0) out(`model ${flags.model}: ${kept} window(s) kept as stored: none of their predictions is stored any more (expired after retention.raw, ${formatDuration(file.retention.raw)})`)
    if (failed > 0) {
      err(`driftwatch: the version comparison of ${failed} window(s) failed (logged above); they stay marked and the running evaluator retries them`)
      return EXIT.failure
    }
    return EXIT.ok
  } finally {
    await store.close()
  }
}
