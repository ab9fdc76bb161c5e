/**
 * The report of a current file alone, for CI gates that need no reference
 * (`driftwatch report --current cur.csv --fail-on 'performance.f1<0.8'`): the model's
 * performance on the file and fairness across its protected attributes. Drift, degradation
 * and data quality compare with a reference, so they are left empty, with a note. Same
 * ReportJson shape as ./build-report.ts. Pure.
 */
import { pushAll } from '../arrays.js'
import { DriftwatchError } from '../errors.js'
import { classSpellingNotes, type FeatureValue, performanceProfile, readTargets, resolveTask, streamTargets } from '../metrics/profile/index.js'
import { type Table, tableTargets } from './table.js'
import { DEFAULT_TARGETS } from './columns.js'
import type { ReportConfig } from './config.js'
import type { CellSource } from './csv-report.js'
import { continuousSection } from './continuous-section.js'
import { continuousTargets, integerClassesNote, regressionTargets } from './continuous-targets.js'
import { fairnessSection } from './fairness-section.js'
import { targetsLeftOut } from './left-out.js'
import { REPORT_CLASSES } from './task-notes.js'
import { metricsJson, performanceNotes } from './performance-section.js'
import { streamTargetsNotes } from './stream-targets.js'
import type { ReportJson } from './types.js'

export async function currentOnlyReport(current: CellSource, config: ReportConfig, extraProtected: readonly string[] = []): Promise<ReportJson> {
  const targets = { ...DEFAULT_TARGETS, ...config.columns }
  const protectedAttributes = [...new Set([...config.protected, ...extraProtected])]
  const missing = protectedAttributes.filter((p) => !current.columns.includes(p))
  if (missing.length > 0) {
    throw new DriftwatchError('DW_FILE_INVALID', `cannot build the report: protected attribute ${missing.map((m) => `"${m}"`).join(', ')} is not a column of the current file`)
  }
  const needed = [...new Set([...Object.values(targets), ...protectedAttributes])].filter((n) => current.columns.includes(n))
  // All asked for at once (the engine reads them one after another), then awaited in order.
  const reads = needed.map((n) => ({ n, values: current.typed(n, n === targets.score ? 'number' : 'text') }))
  reads.forEach(({ values }) => values.catch(() => {}))
  const typed = new Map<string, FeatureValue[]>()
  for (const { n, values } of reads) typed.set(n, await values)
  const table: Table = { rowCount: await current.rowCount, columns: typed }
  const columns = tableTargets(table, targets)
  // A continuous label or prediction holds no classes (./continuous-targets.ts); the model file's
  // task: binary or multiclass reads them as classes, task: regression as continuous.
  const inferred = config.task === undefined && !config.regression
  const continuous = config.regression ? regressionTargets(targets, [columns]) : inferred ? continuousTargets(targets, [columns]) : []
  if (continuous.length > 0) {
    const notes = ['no reference file: drift, degradation and data quality are not computed']
    const performance = continuousSection({ current: table, roles: { features: [], targets, protected: protectedAttributes, missingInCurrent: [] }, confidence: config.confidence, continuous }, notes)
    return { features: {}, dataset: { current_rows: table.rowCount }, performance, fairness: {}, quality: {}, notes }
  }
  const spec = resolveTask(columns, { ...config, ...REPORT_CLASSES })
  const stream = streamTargets(readTargets(columns, spec), columns.score)
  const t = stream.targets
  const notes = ['no reference file: drift, degradation and data quality are not computed', ...classSpellingNotes(spec), ...streamTargetsNotes('current', table.rowCount, stream)]
  // Integer columns of many values read as classes say so, as with a reference: they could be counts.
  if (inferred) pushAll(notes, integerClassesNote(targets, [columns]))
  if (!columns.label) notes.push(`the current file has no "${targets.label}" column: no performance or fairness`)
  const performance = performanceProfile(t)
  const leftOut = targetsLeftOut(t, columns.score)
  pushAll(notes, performanceNotes('current', table.rowCount, performance, leftOut))
  return {
    features: {},
    dataset: { current_rows: table.rowCount },
    performance: { task: t.task, positive_class: t.positiveClass, prediction_source: t.predictionSource, confidence: config.confidence, current: metricsJson(performance, leftOut) },
    fairness: fairnessSection(table, t, protectedAttributes, config.minGroupSize, notes, columns.score, config.confidence),
    quality: {},
    notes,
  }
}
