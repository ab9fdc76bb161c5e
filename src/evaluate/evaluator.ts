/**
 * The evaluator: finds due windows, builds their per-partition partial aggregates in ClickHouse,
 * stores them, merges them, computes the metrics against the reference and stores the metric
 * rows under a new version (the newest version wins in queries). A closed window also gets the
 * streaming detectors' rows (./detector-run.ts: fed in event order, replayed after late labels).
 * Windows whose reference window gained data are marked first (./reference-marks.ts). After the
 * tick's windows, each (model, window) touched compares its versions (./comparison-run.ts). Also
 * sweeps orphan labels.
 * Every write is an idempotent versioned insert, so a crash mid-evaluation only means the window
 * is evaluated again on the next tick. What each table holds: docs/evaluation.md.
 */
import { modelConfig, type FileConfig } from '../config/file.js'
import type { Logger } from '../observability/logger.js'
import type { DeadLetterSink } from '../pipeline/dead-letter-sink.js'
import type { Store } from '../store/clickhouse.js'
import { compareWindow, type ModelWindow } from './comparison-run.js'
import { computeWindowMetrics } from './compute.js'
import { runDetectors } from './detector-run.js'
import { advanceMarkCursor, scanDue, type DueWindow } from './due.js'
import { sweepOrphans } from './orphans.js'
import { buildPartials, mergeAll, type LabelingContext } from './partials.js'
import { sampleQuery } from './queries.js'
import { markReferenceDependents } from './reference-marks.js'
import { loadReference, referenceSource, type Reference } from './reference.js'
import { writeWindowMetrics } from './write.js'
import { pushAll } from '../arrays.js'

export interface EvaluatorDeps {
  readonly store: Store
  readonly file: FileConfig
  readonly deadLetters: DeadLetterSink
  readonly logger: Logger
  readonly now: () => number
  /** Runs after every pass: the alert service's evaluation. A failure is logged, never thrown. */
  readonly afterPass?: () => Promise<unknown>
}

export interface TickReport {
  readonly evaluated: number
  readonly orphans: number
}

/** How long a loaded reference is reused before it is read again (late data in the reference period). */
const REFERENCE_TTL_MS = 60_000

export class Evaluator {
  private lastVersion = 0
  private readonly references = new Map<string, { loadedAt: number; reference: Reference }>()
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> = Promise.resolve()

  constructor(private readonly deps: EvaluatorDeps) {}

  /** A strictly increasing version, based on the clock. */
  private version(): number {
    this.lastVersion = Math.max(this.deps.now(), this.lastVersion + 1)
    return this.lastVersion
  }

  private context(modelId: string): LabelingContext {
    const m = modelConfig(this.deps.file, modelId)
    return { task: m.task, positiveClass: m.positiveClass ?? '1', protectedAttributes: m.protected, minGroupSize: 30, thresholds: m.thresholds, correction: m.correction }
  }

  private async reference(w: DueWindow, ctx: LabelingContext): Promise<Reference> {
    const source = referenceSource(modelConfig(this.deps.file, w.modelId), w.modelVersion, w.startMs, w.windowMs)
    const key = JSON.stringify(source)
    const cached = this.references.get(key)
    if (cached && this.deps.now() - cached.loadedAt < REFERENCE_TTL_MS) return cached.reference
    const reference = await loadReference(this.deps.store, source, ctx, this.deps.file.evaluation.maxSampleSize)
    this.references.set(key, { loadedAt: this.deps.now(), reference })
    return reference
  }

  async evaluateWindow(w: DueWindow): Promise<void> {
    const { store, file } = this.deps
    const model = modelConfig(file, w.modelId)
    const ctx = this.context(w.modelId)
    const reference = await this.reference(w, ctx)
    const scope = { modelId: w.modelId, modelVersion: w.modelVersion, fromMs: w.startMs, toMs: w.startMs + w.windowMs }
    const [parts, samples] = await Promise.all([
      buildPartials(store, scope, { edges: reference.edges, quality: reference.quality }, ctx, { withLabels: true }),
      sampleQuery(store, scope, file.evaluation.maxSampleSize),
    ])
    const partial = mergeAll(parts, ctx)
    const metrics = computeWindowMetrics(reference, { partial, samples: new Map(samples.map((s) => [s.k, s.values])) }, ctx)
    if (reference.partial.predictions === 0) metrics.drift = []
    const detectors = await runDetectors(store, w, { task: model.task, positiveClass: ctx.positiveClass })
    if (detectors) pushAll(metrics.drift, detectors.rows)
    await writeWindowMetrics(store, w, this.version(), reference.description, parts, metrics, detectors)
  }

  /** One pass: evaluate every due window, compare the versions of the windows touched, then sweep orphans. */
  async tick(): Promise<TickReport> {
    const model = (m: string) => modelConfig(this.deps.file, m)
    const scanNow = () => scanDue(this.deps.store, (m) => model(m).allowedLateness, { windowMs: (m) => model(m).window })
    let scan = await scanNow()
    // Windows whose reference window gained data are marked (./reference-marks.ts) and join this pass.
    if (await markReferenceDependents(this.deps.store, this.deps.file, scan.due, String(this.version()))) {
      this.references.clear()
      scan = await scanNow()
    }
    const due = scan.due
    for (const w of due) await this.evaluateWindow(w)
    // Every window with a mark up to marksReadUntilMs is stored now: later ticks start from there.
    if (scan.marksReadUntilMs !== null && scan.marksReadUntilMs > scan.cursorMs) await advanceMarkCursor(this.deps.store, scan.marksReadUntilMs)
    const touched = new Map<string, ModelWindow>(due.map((w) => [`${w.modelId}\u0000${w.startMs}`, { modelId: w.modelId, startMs: w.startMs, windowMs: w.windowMs }]))
    // The version comparison reads labels as positive-or-not: binary models only.
    for (const mw of touched.values()) if (modelConfig(this.deps.file, mw.modelId).task === 'binary') await compareWindow(this.deps.store, mw, this.context(mw.modelId), this.version())
    const orphans = await sweepOrphans(this.deps.store, this.deps.deadLetters, this.deps.file.join.orphanAfter, this.deps.now())
    if (due.length || orphans) this.deps.logger.info({ evaluated: due.length, orphans }, 'evaluation pass')
    await this.deps.afterPass?.().catch((err) => this.deps.logger.error({ err }, 'alert evaluation failed; retrying after the next pass'))
    return { evaluated: due.length, orphans }
  }

  /** Runs a pass now, after any pass in progress. */
  evaluateNow(): Promise<TickReport> {
    const next = this.running.catch(() => undefined).then(() => this.tick())
    this.running = next
    return next
  }

  start(intervalMs = this.deps.file.evaluation.interval): void {
    const loop = () => {
      this.evaluateNow()
        .catch((err) => this.deps.logger.error({ err }, 'evaluation pass failed; retrying next interval'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(loop, intervalMs)
        })
    }
    this.timer = setTimeout(loop, intervalMs)
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running.catch(() => undefined)
  }
}
