/**
 * The evaluator: finds due windows, builds their per-partition partial aggregates in ClickHouse,
 * stores them, merges them, computes the metrics against the reference and stores the metric
 * rows under a new version (the newest version wins in queries). A closed window also gets the
 * streaming detectors' rows (./detector-run.ts: fed in event order, replayed after late labels).
 * Windows whose reference changed since their evaluation are marked first (./reference-marks.ts,
 * ./reference-changes.ts). After the tick's windows, each (model, window) touched compares its
 * versions (./comparison-run.ts). Also sweeps orphan labels.
 * Every write is an idempotent versioned insert, so a crash mid-evaluation only means the window
 * is evaluated again on the next tick. A version exceeds every version stored for the window,
 * read as part of its evaluation (./eval-version.ts), so the instance's clock cannot hide a
 * re-evaluation. What each table holds: docs/evaluation.md.
 *
 * Failures, per window (./window-failure.ts decides which is which):
 * - Retriable (ClickHouse unavailable or overloaded): the tick fails as a whole, before the mark
 *   cursor moves and before afterPass; the next tick finds the same windows due (none is skipped:
 *   a window's state is written only when its evaluation is stored) and retries.
 * - Anything else (ClickHouse refuses a statement or its values, a bug, data no code path
 *   expected): a retry would fail the same way, and failing the tick would stop every window
 *   sorted after this one, the cursor and the alert rules for good. The window is set aside: the
 *   failure is logged at error with the model, version and window; the window is marked again
 *   (window_marks, reason 'retry') so that it stays due in ClickHouse whatever the cursor does
 *   and whoever leads; and it is retried with backoff (./failed-windows.ts), leaving the other
 *   windows, the cursor and afterPass to go on. A failed version comparison is handled alike for
 *   the windows it compares. TickReport counts the windows that failed and those still waiting.
 * - A resource limit (memory, rows, time: ./window-failure.ts exceededLimit) fails the pass the
 *   first time, as an overload would, logged at warn with the model and window; when it stops the
 *   same window again on its next attempt, the window is set aside as above, so that one window
 *   too large for the limits cannot fail every pass.
 *
 * A window that comes due after its raw rows expired (retention.raw) keeps its stored evaluation
 * unless an erasure since its last evaluation emptied it (./expired-window.ts): only its
 * window_state is written, so it is not due again, and it is neither compared nor fed to the
 * detectors. TickReport counts such windows (`expired`), and a pass that finds any says so once,
 * at warn.
 *
 * A pass evaluates at most `evaluation.maxWindowsPerPass` of its due windows, round robin over the
 * models' versions and oldest first within each (./pass-plan.ts), so that one model's backlog
 * delays neither the other models' windows nor the alert pass; the cursors it records keep the
 * windows it left due (./due.ts, recordableScan), and the loop runs the next pass at once while
 * any are left (passes()).
 *
 * stop() ends a pass at the next point where nothing is half done: between two windows (the rest
 * stay due), or, once its windows are stored, before the orphan sweep and the alert pass, which
 * the next pass runs.
 */
import { createHash } from 'node:crypto'
import { modelConfig, type FileConfig } from '../config/file.js'
import { DriftwatchError, describeError } from '../errors.js'
import type { Logger } from '../observability/logger.js'
import type { DeadLetterSink } from '../pipeline/dead-letter-sink.js'
import type { Store } from '../store/clickhouse.js'
import { compareWindow, type ModelWindow } from './comparison-run.js'
import { computeWindowMetrics, notCompared } from './compute.js'
import { runDetectors } from './detector-run.js'
import { erasedSinceEvaluation, recordableScan, recordPass, scanDue, type DueScan, type DueWindow } from './due.js'
import { nextEvalVersion, storedWindowEvaluation } from './eval-version.js'
import { expirableBeforeMs, keepsStoredEvaluation } from './expired-window.js'
import { FailedWindows, needsNewMark, windowKey } from './failed-windows.js'
import { sweepOrphans } from './orphans.js'
import { addReports, planPass } from './pass-plan.js'
import { buildPartials, mergeAll, type LabelingContext } from './partials.js'
import { sampleQuery } from './queries.js'
import { ReferenceChangeMarks } from './reference-changes.js'
import { markReferenceDependents } from './reference-marks.js'
import { loadReference, referenceSource, type Reference } from './reference.js'
import { exceededLimit, windowFailure } from './window-failure.js'
import { writeWindowMetrics, writeWindowState } from './write.js'
import { pushAll } from '../arrays.js'
import { PassLoop } from '../pass-loop.js'
import { markWindows } from '../store/mark-windows.js'
import { formatDuration } from '../window/duration.js'

export interface EvaluatorDeps {
  readonly store: Store
  readonly file: FileConfig
  readonly deadLetters: DeadLetterSink
  readonly logger: Logger
  readonly now: () => number
  /**
   * Runs after every pass that stop() did not end first: the alert service's evaluation. A failure
   * is logged, never thrown.
   */
  readonly afterPass?: () => Promise<unknown>
  /**
   * Asked before each write of results: false fails the pass, retriably. A leader back from a
   * stall may have been replaced meanwhile (src/kafka/leadership.ts, holdsLease); the versions it
   * would write are above its successor's, so its stale results would win. Default: always true.
   */
  readonly mayWrite?: () => boolean
}

export interface TickReport {
  /** Windows evaluated and stored. */
  readonly evaluated: number
  /** Windows whose evaluation (or version comparison) failed for a reason a retry will not fix: set aside, retried later. */
  readonly failed: number
  /** Windows set aside before, due but waiting for their retry time. */
  readonly waiting: number
  readonly orphans: number
  /** Due windows a pass cut short by stop() did not reach: still due for the next pass. */
  readonly notReached?: number
  /** Due windows left to the next pass by evaluation.maxWindowsPerPass (./pass-plan.ts): still due. */
  readonly deferred?: number
  /**
   * Due windows whose stored evaluation was kept: none of their predictions is stored any more
   * (raw rows expired, retention.raw) and no erasure came since (./expired-window.ts).
   */
  readonly expired: number
}

/** What evaluating a window did: stored a new evaluation, or kept the stored one (./expired-window.ts). */
export type WindowOutcome = 'stored' | 'kept'

/**
 * How long a loaded reference is reused before it is read again (late data in the reference
 * period). A model's references are dropped at once when a pass finds marks saying its stored
 * data was removed or rewritten (an erasure, a recompute: due.ts, REWRITTEN_REASONS), so the
 * windows those marks make due are not evaluated against a reference that still holds the data,
 * and when the pass marks windows because their reference changed (./reference-marks.ts,
 * ./reference-changes.ts). A window evaluated against a cached reference that missed a change is
 * marked by the pass that finds the change, so the cache delays a window's evaluation against the
 * reference as stored, never prevents it.
 */
const REFERENCE_TTL_MS = 60_000

export class Evaluator {
  private lastVersion = 0
  private readonly failures: FailedWindows
  private readonly references = new Map<string, { modelId: string; loadedAt: number; reference: Reference }>()
  private readonly referenceChanges: ReferenceChangeMarks
  private readonly loop: PassLoop<TickReport>
  /** Set by stop(): a pass in progress ends at its next window (stoppedPass). */
  private stopping = false
  /** The series (model version) that took the last place of the previous pass: the next round robin starts after it. */
  private lastSeries: string | null = null

  constructor(private readonly deps: EvaluatorDeps) {
    this.failures = new FailedWindows(deps.file.evaluation.interval)
    this.referenceChanges = new ReferenceChangeMarks(deps.store, deps.file)
    this.loop = new PassLoop(
      () => this.passes(),
      (err) =>
        // A pass that stop() overtook mid-window (the lease given up under it) fails its fence:
        // that is the stop, not a fault.
        this.stopping
          ? deps.logger.info({ reason: describeError(err) }, 'evaluation pass stopped: the evaluator is stopping; its windows stay due')
          : deps.logger.error({ err }, 'evaluation pass failed; retrying next interval'),
    )
  }

  /** Throws, retriably, when this instance may not write results now (EvaluatorDeps.mayWrite). */
  private fence(): void {
    if (this.deps.mayWrite && !this.deps.mayWrite()) {
      throw new DriftwatchError('DW_KAFKA_UNAVAILABLE', 'the group coordinator has not confirmed this instance as the evaluator lately; not writing results until it does', { retriable: true })
    }
  }

  /** A strictly increasing version, based on the clock, above `storedMs` (./eval-version.ts). */
  private version(storedMs = 0): number {
    this.lastVersion = nextEvalVersion(this.deps.now(), this.lastVersion, storedMs)
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
    this.references.set(key, { modelId: w.modelId, loadedAt: this.deps.now(), reference })
    return reference
  }

  /**
   * Evaluates one due window and stores the result under a new version; or, when none of its
   * predictions is stored any more under a stored evaluation that counted some, the window is old
   * enough for them to have expired and no erasure came since, keeps that evaluation and records
   * the window's state alone (./expired-window.ts).
   * Every path that evaluates a window comes here: the tick, its retries, `driftwatch recompute`.
   */
  async evaluateWindow(w: DueWindow): Promise<WindowOutcome> {
    const { store, file } = this.deps
    const model = modelConfig(file, w.modelId)
    const ctx = this.context(w.modelId)
    const reference = await this.reference(w, ctx)
    const scope = { modelId: w.modelId, modelVersion: w.modelVersion, fromMs: w.startMs, toMs: w.startMs + w.windowMs }
    const [parts, samples, { version: stored, predictions: storedPredictions }] = await Promise.all([
      buildPartials(store, scope, { edges: reference.edges, quality: reference.quality }, ctx, { withLabels: true }),
      sampleQuery(store, scope, file.evaluation.maxSampleSize),
      storedWindowEvaluation(store, w),
    ])
    const partial = mergeAll(parts, ctx)
    const expirableBefore = this.expirableBeforeMs()
    const expirable = w.startMs < expirableBefore
    if (keepsStoredEvaluation({ storedPredictions, foundPredictions: partial.predictions, expirable }) && !(await erasedSinceEvaluation(store, w))) {
      this.fence()
      await writeWindowState(store, w, this.version(stored))
      return 'kept'
    }
    const computed = computeWindowMetrics(reference, { partial, samples: new Map(samples.map((s) => [s.k, s.values])) }, ctx, Object.keys(model.features))
    // Compared with no reference (a model's first window, ./reference.ts): no drift rows, and a dataset row that says so.
    const metrics = reference.partial.predictions === 0 ? notCompared(computed) : computed
    const detectors = await runDetectors(store, w, { task: model.task, positiveClass: ctx.positiveClass }, expirableBefore)
    if (detectors) pushAll(metrics.drift, detectors.rows)
    this.fence()
    await writeWindowMetrics(store, w, this.version(stored), reference.description, parts, metrics, detectors)
    return 'stored'
  }

  /**
   * Passes until one leaves no due window to the next (each with its alert pass): the loop's run,
   * and evaluateNow(). Each pass that leaves some has evaluated maxWindowsPerPass windows, each
   * stored, kept or set aside, so the due windows found at the start run out unless new ones keep
   * coming, and then there is work to do at once. Reports the sum of the passes.
   */
  private async passes(): Promise<TickReport> {
    let total = await this.tick()
    while ((total.deferred ?? 0) > 0 && !this.stopping) total = addReports(total, await this.tick())
    return total
  }

  /**
   * One pass: evaluate the due windows (at most evaluation.maxWindowsPerPass, ./pass-plan.ts),
   * compare the versions of the windows touched, sweep orphans, then run the alert pass.
   */
  async tick(): Promise<TickReport> {
    const model = (m: string) => modelConfig(this.deps.file, m)
    const scanNow = () => scanDue(this.deps.store, (m) => model(m).allowedLateness, { windowMs: (m) => model(m).window })
    // Windows set aside before and still waiting for their retry time, at the pass's start.
    const startedMs = this.deps.now()
    const waiting = (w: DueWindow) => this.failures.waiting(windowKey(w), startedMs)
    let scan = await scanNow()
    // Windows whose reference changed since their evaluation are marked and join this pass: a
    // previous window that gained data (./reference-marks.ts), a fixed period or baseline that
    // changed (./reference-changes.ts). Their references are read again.
    const rolling = await markReferenceDependents(this.deps.store, this.deps.file, scan.due.filter((w) => !waiting(w)), String(this.version()))
    const fixed = await this.referenceChanges.markDependents(scan, startedMs, String(this.version()))
    if (rolling) this.references.clear()
    for (const [key, cached] of this.references) if (fixed.models.has(cached.modelId)) this.references.delete(key)
    if (rolling || fixed.marks) scan = await scanNow()
    for (const [key, cached] of this.references) if (scan.rewrittenModels.has(cached.modelId)) this.references.delete(key)
    const aside = scan.due.filter(waiting)
    const { selected: due, deferred, lastSeries } = planPass(scan.due.filter((w) => !waiting(w)), this.deps.file.evaluation.maxWindowsPerPass, this.lastSeries)
    if (lastSeries !== null) this.lastSeries = lastSeries
    const evaluated: DueWindow[] = []
    const kept: DueWindow[] = []
    let attempted = 0
    for (const w of due) {
      if (this.stopping) return this.stoppedPass(due.length + deferred.length, attempted, evaluated, kept)
      attempted++
      const outcome = await this.attempt(w)
      if (outcome === 'stored') evaluated.push(w)
      else if (outcome === 'kept') kept.push(w)
    }
    // Every window with a mark up to the recorded cursor, and every window the recorded watermarks
    // closed, is stored or marked again now, or left due (deferred, held behind the cursors):
    // later ticks start from there. A deposed evaluator must not move the cursors past what its
    // successor's scan has not seen yet.
    const recorded = recordableScan(scan, deferred)
    await this.keepDue(aside, recorded)
    this.fence()
    await recordPass(this.deps.store, recorded)
    const failed = due.length - evaluated.length - kept.length + (await this.compareVersions(evaluated))
    // The orphan sweep and the alert pass are left to the next pass (here, or in the next evaluator)
    // when a stop came meanwhile: the sweep resumes from its cursor, and the alert rules read the
    // windows stored by then, as after any pass that stored several windows.
    const orphans = this.stopping ? 0 : await sweepOrphans(this.deps.store, this.deps.deadLetters, this.deps.file.join.orphanAfter, this.deps.now())
    this.warnExpired(kept)
    const report = { evaluated: evaluated.length, failed, waiting: aside.length, orphans, expired: kept.length, deferred: deferred.length }
    if (due.length || aside.length || orphans) this.deps.logger.info(report, deferred.length ? 'evaluation pass (evaluation.maxWindowsPerPass reached: the next pass follows at once)' : 'evaluation pass')
    if (!this.deps.afterPass) return report
    if (this.stopping) this.deps.logger.info({}, 'alert evaluation skipped: the evaluator is stopping; the next pass runs it')
    else await this.deps.afterPass().catch((err) => this.deps.logger.error({ err }, 'alert evaluation failed; retrying after the next pass'))
    return report
  }

  /**
   * The end of a pass that stop() cut short between two windows, while this instance still held
   * the evaluator's lease: the windows it evaluated are compared, and nothing else is written. Its
   * cursors stay where they were (recordPass is skipped), so the next pass, here or in the next
   * evaluator, finds every window it did not reach still due.
   */
  private async stoppedPass(due: number, attempted: number, evaluated: readonly DueWindow[], kept: readonly DueWindow[]): Promise<TickReport> {
    const failed = attempted - evaluated.length - kept.length + (await this.compareVersions(evaluated))
    this.warnExpired(kept)
    const report = { evaluated: evaluated.length, failed, waiting: 0, orphans: 0, notReached: due - attempted, expired: kept.length }
    this.deps.logger.info(report, 'evaluation pass stopped between windows: the evaluator is stopping; the windows not reached stay due')
    return report
  }

  /**
   * Compares the model versions of each (model, window) among `evaluated` (./comparison-run.ts),
   * after their evaluation: the tick's windows, or those `driftwatch recompute` evaluated. Binary
   * models only: the comparison reads labels as positive-or-not. Returns how many of the windows
   * had their comparison fail for good (set aside like a failed evaluation); a retriable failure
   * is thrown.
   */
  async compareVersions(evaluated: readonly DueWindow[]): Promise<number> {
    const touched = new Map<string, { window: ModelWindow; versions: DueWindow[] }>()
    for (const w of evaluated) {
      const key = `${w.modelId}\u0000${w.startMs}`
      const t = touched.get(key) ?? touched.set(key, { window: { modelId: w.modelId, startMs: w.startMs, windowMs: w.windowMs }, versions: [] }).get(key)!
      t.versions.push(w)
    }
    let failed = 0
    for (const { window, versions } of touched.values()) {
      if (modelConfig(this.deps.file, window.modelId).task !== 'binary') continue
      try {
        this.fence()
        await compareWindow(this.deps.store, window, this.context(window.modelId), this.version())
      } catch (e) {
        await this.setAside(versions, e, 'version comparison failed')
        failed += versions.length
      }
    }
    return failed
  }

  /**
   * Once per pass with any: the windows whose stored evaluation was kept because their raw rows
   * expired (./expired-window.ts), counted, with a few of them.
   */
  private warnExpired(kept: readonly DueWindow[]): void {
    if (kept.length === 0) return
    const windows = kept.slice(0, 5).map((w) => ({ modelId: w.modelId, modelVersion: w.modelVersion, windowStart: new Date(w.startMs).toISOString() }))
    const raw = formatDuration(this.deps.file.retention.raw)
    this.deps.logger.warn(
      { expired: kept.length, windows },
      `${kept.length} due window(s) have none of their predictions stored any more, while their stored evaluation counted some: their raw rows expired (retention.raw, ${raw}). Their stored metrics are kept, not replaced by empty ones; a longer retention.raw keeps windows re-evaluable for longer (docs/operations.md)`,
    )
  }

  /** Evaluates one window; false when it failed for good and was set aside. A retriable failure is thrown. */
  private async attempt(w: DueWindow): Promise<WindowOutcome | false> {
    try {
      const outcome = await this.evaluateWindow(w)
      this.failures.succeeded(windowKey(w))
      return outcome
    } catch (e) {
      await this.setAside([w], e, 'window evaluation failed')
      return false
    }
  }

  /**
   * Throws `e` when a retry may fix it. Otherwise logs it for each window, records the attempt
   * and marks the windows again (reason 'retry'), so that they stay due for whoever evaluates next.
   */
  private async setAside(windows: readonly DueWindow[], e: unknown, what: string): Promise<void> {
    const failure = windowFailure(e)
    const limit = exceededLimit(e)
    const where = (w: DueWindow) => ({ modelId: w.modelId, modelVersion: w.modelVersion, windowStart: new Date(w.startMs).toISOString() })
    if (failure.retriable) {
      // Every window's strike is recorded: `some` would stop at the first that had one.
      const repeated = limit !== null && windows.map((w) => this.failures.overLimit(windowKey(w))).some(Boolean)
      if (!repeated) {
        if (limit !== null) {
          for (const w of windows) {
            this.deps.logger.warn({ limit, ...where(w) }, `${what}: ClickHouse's ${limit}; the pass is retried, and the window is set aside if the limit stops it again`)
          }
        }
        throw e
      }
    }
    const now = this.deps.now()
    for (const w of windows) {
      const { attempts, retryAtMs } = this.failures.failed(windowKey(w), now)
      this.deps.logger.error(
        { err: failure, code: failure.code, ...(limit === null ? {} : { limit }), ...where(w), attempts, retryInMs: retryAtMs - now },
        limit === null ? `${what}; the window stays due and is retried later` : `${what}: ClickHouse's ${limit} again; the window stays due and is retried later`,
      )
    }
    await this.markForRetry(windows, now)
  }

  /** Marks again the windows waiting for a retry whose newest mark the next pass might no longer read (./failed-windows.ts). */
  private async keepDue(aside: readonly DueWindow[], scan: DueScan): Promise<void> {
    const cursorAfter = Math.max(scan.cursorMs, scan.marksReadUntilMs ?? 0)
    await this.markForRetry(aside.filter((w) => needsNewMark(w.lastMarkMs, cursorAfter)), this.deps.now())
  }

  private async markForRetry(windows: readonly DueWindow[], now: number): Promise<void> {
    if (windows.length === 0) return
    const keys = createHash('sha256').update(windows.map(windowKey).join('\n')).digest('hex')
    await markWindows(this.deps.store, windows, 'retry', `${keys}:${this.version()}:${now}`)
  }

  /** Windows starting before this may have lost every prediction to retention.raw by now (./expired-window.ts). */
  private expirableBeforeMs(): number {
    return expirableBeforeMs(this.deps.now(), this.deps.file.retention.raw, this.deps.file.ingest.maxFutureMs)
  }

  /** Runs a pass now, after any pass in progress. */
  evaluateNow(): Promise<TickReport> {
    return this.loop.runNow()
  }

  /** Runs the loop: the first pass on the next tick, then `intervalMs` after each pass ends (../pass-loop.ts). */
  start(intervalMs = this.deps.file.evaluation.interval): void {
    this.stopping = false
    this.loop.start(intervalMs)
  }

  /**
   * Stops the loop: the pass in progress ends after the window it is evaluating (stoppedPass), and
   * this resolves once it has. start() runs the loop again.
   */
  async stop(): Promise<void> {
    this.stopping = true
    await this.loop.stop()
  }
}
