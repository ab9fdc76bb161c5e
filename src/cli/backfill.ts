/**
 * `driftwatch backfill labels --file <labels.csv|labels.jsonl>`: validate every row, then publish
 * the labels in acknowledged batches, resumable from a checkpoint next to the file.
 * Exit codes: 0 all sent; 1 runtime failure or interrupted; 2 invalid file or usage.
 * Format, checkpoint and resume rules: docs/backfill.md.
 */
import { resolve } from 'node:path'
import { startApp, startPublisher, type RunningPublisher } from '../app.js'
import type { RuntimeConfig } from '../config/env.js'
import { loadFileConfig, type FileConfig } from '../config/file.js'
import { DriftwatchError, isDriftwatchError, type ErrorCode } from '../errors.js'
import { limitsFromConfig } from '../ingest/validate.js'
import type { LabelLimits } from '../backfill/label-file.js'
import { createLogger } from '../observability/logger.js'
import { prepareBackfill, type BackfillPlan } from '../backfill/prepare.js'
import { sendBackfill } from '../backfill/send.js'
import { formatSummary } from '../backfill/summary.js'
import { NO_OUTCOMES, outcomeTally, readStoredIds } from '../backfill/label-outcomes.js'
import { EXIT } from './command.js'
import { assertTextFile } from './files.js'
import { failureText } from './one-line.js'
import { progress as terminalProgress } from './progress.js'
import { linesTo } from './output.js'

export interface BackfillLabelsFlags {
  readonly file: string
  readonly format?: string
  readonly skipInvalid?: boolean
  readonly restart?: boolean
  readonly batchSize?: string
  readonly maxErrors?: string
}

export interface BackfillDeps {
  readonly out?: (line: string) => void
  readonly err?: (line: string) => void
  readonly progress?: typeof terminalProgress
  readonly signal?: AbortSignal
  readonly now?: () => number
  /** driftwatch.yaml as the command checked it with the environment (./configuration.ts); default: read here. */
  readonly file?: FileConfig
}

/** Problems with the file or the command line: exit 2. */
const USAGE_ERRORS: ReadonlySet<ErrorCode> = new Set(['DW_FILE_NOT_FOUND', 'DW_FILE_INVALID', 'DW_CONFIG_INVALID'])

/** Where labels go, as the checkpoint records it: a checkpoint never resumes against another target. */
export function backfillTarget(config: RuntimeConfig): string {
  if (config.kafka) return `kafka ${config.kafka.brokers.join(',')} topic ${config.topics.groundTruth}`
  const store = config.clickhouse.url ?? `chdb:${resolve(config.clickhouse.dataDir, 'chdb')}`
  return `embedded ${store} database ${config.clickhouse.database}`
}

function intFlag(flag: string, value: string, min: number, max: number): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new DriftwatchError('DW_CONFIG_INVALID', `${flag} must be an integer from ${min} to ${max}, got "${value}"`)
  return n
}

/** A problem the file's reader places by line (`line 2: malformed CSV ...`) also names the file. */
export function inFile(e: DriftwatchError, file: string): DriftwatchError {
  if (typeof e.context['line'] !== 'number' || !/^line \d+:/.test(e.message)) return e
  return new DriftwatchError(e.code, `${file}: ${e.message}`, { ...e.context, cause: e })
}

export async function runBackfillLabels(config: RuntimeConfig, flags: BackfillLabelsFlags, deps: BackfillDeps = {}): Promise<number> {
  const out = deps.out ?? linesTo(process.stdout)
  const err = deps.err ?? linesTo(process.stderr)
  const skipInvalid = flags.skipInvalid === true
  const fileConfig = deps.file ?? loadFileConfig(config.configFile)
  const limits: LabelLimits = { ...limitsFromConfig(fileConfig.ingest, fileConfig.models.map((m) => m.id)), maxRecordBytes: fileConfig.ingest.maxRecordBytes }
  const nowMs = (deps.now ?? Date.now)()
  let batchSize: number
  let plan: BackfillPlan
  try {
    // A directory, an unreadable or binary file: one line naming it (a binary header row was kilobytes).
    assertTextFile(flags.file, 'labels file', 'CSV with a header row, or JSON lines (.jsonl)')
    batchSize = intFlag('--batch-size', flags.batchSize ?? '1000', 1, 100_000)
    const maxProblems = intFlag('--max-errors', flags.maxErrors ?? '20', 0, 1_000_000)
    const options = { file: flags.file, format: flags.format, target: backfillTarget(config), limits, nowMs, skipInvalid, restart: flags.restart === true, maxProblems }
    plan = await prepareBackfill(options, { info: out, warn: err, progress: deps.progress ?? terminalProgress })
  } catch (e) {
    if (!isDriftwatchError(e) || !USAGE_ERRORS.has(e.code)) throw e
    err(`driftwatch: ${e.code}: ${failureText(inFile(e, flags.file))}`)
    return EXIT.config
  }

  // Kafka mode only publishes: no ClickHouse is opened, so the backfill runs beside a
  // `driftwatch start` that holds the chDB data directory. Embedded mode stores through the
  // in-process pipeline, which needs the store, and reads there what became of the labels.
  let running: RunningPublisher | null = null
  let tally: ReturnType<typeof outcomeTally> | null = null
  try {
    if (plan.scan.validToSend > 0) {
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, { format: config.logFormat })
      if (config.kafka) running = await startPublisher(config, logger)
      else {
        // Retention stays as `driftwatch start` set it: this driftwatch.yaml may be another one.
        const app = await startApp(config, logger, { consume: false, file: fileConfig, applyRetention: false })
        running = { publisher: app.publisher, stop: () => app.stop() }
        tally = outcomeTally((ids) => readStoredIds(app.store, ids))
      }
      out(`sending ${plan.scan.validToSend} label(s) to ${plan.run.target} in batches of ${batchSize}`)
    }
    const publisher = running?.publisher
    const summary = await sendBackfill(
      plan,
      { batchSize, nowMs, limits, skipInvalid, ...(deps.signal ? { signal: deps.signal } : {}) },
      {
        publish: async (events) => {
          if (!publisher) throw new Error('no labels were expected to be sent')
          await publisher.publishGroundTruth(events)
          await tally?.count(events.map((e) => e.prediction_id))
        },
        progress: deps.progress ?? terminalProgress,
      },
    )
    const outcomes = config.kafka ? {} : { outcomes: (await tally?.outcomes()) ?? NO_OUTCOMES }
    for (const line of formatSummary(summary, outcomes)) (summary.outcome === 'completed' ? out : err)(line)
    return summary.outcome === 'completed' ? EXIT.ok : EXIT.failure
  } finally {
    await running?.stop()
  }
}

/** Ctrl-C / SIGTERM: finish the batch in flight, save the checkpoint, stop. A second Ctrl-C quits at once. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const onSignal = () => {
    process.stderr.write('stopping after the batch in flight is acknowledged (Ctrl-C again quits at once)\n')
    dispose()
    controller.abort()
  }
  const dispose = () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return { signal: controller.signal, dispose }
}
