/**
 * A batch report of the current rows against the reference rows: feature drift, dataset drift,
 * performance, fairness and data quality. Pure: rows in, JSON-ready object out.
 *
 * Drift verdicts: each feature's deciding statistic and threshold (./feature-drift.ts) go to
 * src/metrics/drift/dataset-drift.ts together, which applies the Benjamini–Hochberg correction
 * to the p-values of all test features (or none, `correction: none`, Evidently's behaviour),
 * so drift_detected compares the adjusted p-value with the threshold, and drift_share is the
 * share of drifted features among those that could be evaluated.
 */
import { pushAll } from '../arrays.js'
import { own } from '../metrics/own.js'
import { DriftwatchError } from '../errors.js'
import { datasetDriftShare } from '../metrics/drift/index.js'
import { classSpellingNotes, type ColumnKind, performanceProfile, readTargets, type ReferenceProfile, resolveTask, streamTargets } from '../metrics/profile/index.js'
import type { ColumnRoles } from './columns.js'
import type { ReportConfig } from './config.js'
import { fairnessSection } from './fairness-section.js'
import { outlierSummary, rowOutlierCounts } from './outlier-counts.js'
import type { OutlierSummary } from '../metrics/quality/index.js'
import { type ColumnDrift, columnDrift, verdictInput } from './feature-drift.js'
import { continuousSection, type ContinuousInput } from './continuous-section.js'
import { continuousTargets, integerClassesNote, regressionTargets } from './continuous-targets.js'
import { driftNotes, performanceSection, rawScores } from './performance-section.js'
import { notEvaluatedNotes } from './not-evaluated.js'
import { outlierNotes, qualitySection } from './quality-section.js'
import { allNumbers, tableByNumber } from './numeric-categories.js'
import { columnInput, featureProfiles, type ProfileFeatures, type Table, tableProfile, tableTargets } from './table.js'
import { streamTargetsNotes } from './stream-targets.js'
import { addedClassNotes, readClassColumns, REPORT_CLASSES } from './task-notes.js'
import { highCardinalityNotes } from './high-cardinality.js'
import { missingFeaturesError, missingFeatureNotes } from './missing-features.js'
import { type FeatureDriftJson, num, type ReportJson } from './types.js'

export interface ReportInput {
  readonly reference: Table
  /** A promise while the current file is still being read: the reference's feature profiles are computed meanwhile. */
  readonly current: Table | Promise<Table>
  readonly roles: ColumnRoles
  /** The kind of every feature in roles.features. */
  readonly kinds: Readonly<Record<string, ColumnKind>>
  readonly config: Pick<ReportConfig, 'task' | 'regression' | 'positiveClass' | 'thresholds' | 'correction' | 'minGroupSize' | 'confidence' | 'outlierThreshold'>
  /** Notes from reading the input (columns left out...), listed first. */
  readonly notes?: readonly string[]
  /**
   * The outlier summaries against the reference profile, when the tables' feature columns are
   * not row-aligned (the engine's value counts, ./csv-report.ts); default: from the tables' rows.
   * `byNumber`: the categorical features whose categories are named by number
   * (./numeric-categories.ts), as the profile names them.
   */
  readonly outliers?: (profile: ProfileFeatures, threshold: number, byNumber: ReadonlySet<string>) => OutlierSummaries | Promise<OutlierSummaries>
  /**
   * Set when the tables' row-ordered columns (targets, protected attributes) are still being
   * read: resolves once they are in. The feature statistics read counted columns only, so they
   * run before it is awaited (./csv-report.ts: the engine reads the rows meanwhile).
   */
  readonly rowsReady?: Promise<void>
  /**
   * Set when the current table's counted columns come in one by one: resolves once the
   * feature's is in, and its drift is computed then (the engine counts the next ones meanwhile).
   */
  readonly featureReady?: (name: string) => Promise<void>
  /**
   * Awaited between steps, so that a source reading beside the report gets its turn (the
   * engine's next query is started from the event loop); default: none.
   */
  readonly pause?: () => Promise<void>
  /** The current file's header, when the caller has it: names that differ from a feature's only in case are pointed out. */
  readonly currentColumns?: readonly string[]
}

export interface OutlierSummaries {
  readonly reference: OutlierSummary
  readonly current: OutlierSummary
}

const tableOutliers = (profile: ProfileFeatures, t: Table) => rowOutlierCounts(profile, t.rowCount, (n) => t.columns.get(n))

/**
 * The steps run in this order so that a source reading beside the report (the engine) has
 * work while JavaScript computes: the reference's feature profiles first, then the outlier
 * summaries are asked for (the engine counts them while the feature drift is computed), then
 * the row-ordered columns are awaited for performance and fairness, and the outlier summaries
 * last. Each step is pure and reads only its own inputs, so the order does not change a number.
 */
export async function buildReport({ reference: referenceTable, current: currentTable, roles, kinds, config, notes: inputNotes = [], outliers, rowsReady, featureReady, pause = async () => {}, currentColumns }: ReportInput): Promise<ReportJson> {
  const unknown = Object.keys(config.thresholds).filter((f) => !roles.features.includes(f))
  if (unknown.length > 0) {
    throw new DriftwatchError('DW_CONFIG_INVALID', `thresholds name columns that are not features: ${unknown.join(', ')}`)
  }
  if (roles.features.length > 0 && roles.features.every((f) => roles.missingInCurrent.includes(f))) {
    // Settled before the current file is awaited: nothing of it is compared.
    if (currentTable instanceof Promise) currentTable.catch(() => {})
    throw missingFeaturesError(roles.features, currentColumns)
  }
  const notes: string[] = [...inputNotes, ...missingFeatureNotes(roles.missingInCurrent, currentColumns)]
  const threshold = config.outlierThreshold
  let profiles = await featureProfiles(referenceTable, roles.features, kinds, pause)
  // Categorical features whose values are all numbers in both files are compared by number
  // (./numeric-categories.ts). The current file is awaited for them only: a report without
  // such a feature asks for its outlier summaries while the current file is still being read.
  const candidates = roles.features.filter((f) => own(kinds, f) !== 'numerical' && allNumbers(columnInput(referenceTable, f)))
  let byNumber: ReadonlySet<string> = new Set()
  if (candidates.length > 0) {
    const cur = await currentTable
    for (const f of candidates) await featureReady?.(f)
    byNumber = new Set(candidates.filter((f) => allNumbers(columnInput(cur, f))))
    if (byNumber.size > 0) profiles = { ...profiles, ...(await featureProfiles(tableByNumber(referenceTable, byNumber), [...byNumber], kinds, pause)) }
  }
  const profileFeatures: ProfileFeatures = { features: profiles }
  const reference = tableByNumber(referenceTable, byNumber)
  const pending = outliers ? outliers(profileFeatures, threshold, byNumber) : undefined
  // The summaries are awaited last; a failure before that must not go unhandled meanwhile.
  if (pending instanceof Promise) pending.catch(() => {})
  const current = tableByNumber(await currentTable, byNumber)
  await pause()

  const drifts: { name: string; drift: ColumnDrift }[] = []
  for (const name of roles.features) {
    await featureReady?.(name)
    const kind = own(kinds, name) ?? 'categorical'
    drifts.push({ name, drift: columnDrift(name, kind, columnInput(reference, name), columnInput(current, name), own(config.thresholds, name)) })
    await pause()
  }
  const dataset = datasetDriftShare(
    drifts.map(({ name, drift }) => verdictInput(name, drift)),
    { correction: config.correction },
  )
  const features = Object.create(null) as Record<string, FeatureDriftJson>
  drifts.forEach(({ name, drift }, i) => {
    const verdict = dataset.features[i]
    const adjusted = verdict?.adjustedPValue
    features[name] = {
      ...drift.json,
      ...(drift.json.p_value !== undefined ? { adjusted_p_value: num(adjusted) } : {}),
      drift_detected: verdict?.driftDetected ?? null,
    }
    const rows = { reference: reference.rowCount, current: current.rowCount }
    pushAll(notes, driftNotes(`drift of "${name}"`, drift.json, rows))
    // A feature the current file lacks has its note already (./missing-features.ts).
    if (!roles.missingInCurrent.includes(name)) pushAll(notes, notEvaluatedNotes(name, features[name], rows))
    pushAll(notes, highCardinalityNotes(name, features[name], columnInput(reference, name), columnInput(current, name)))
  })
  const p = dataset.result.params

  // The row-ordered sections in steps with a pause between them: the source's reads that end
  // meanwhile (the outlier summaries) are taken in, and it frees what it held for them (the
  // engine drops its tables) while the performance section computes.
  await rowsReady
  const refColumns = tableTargets(reference, roles.targets)
  const curColumns = tableTargets(current, roles.targets)
  // The sections of a label and prediction read as classes.
  async function classTargetSections() {
    // The classes of the rows the stream reads decide the task (./task-notes.ts).
    const refClasses = readClassColumns(refColumns)
    const curClasses = readClassColumns(curColumns)
    const spec = resolveTask([refClasses, curClasses], { ...config, ...REPORT_CLASSES })
    pushAll(notes, classSpellingNotes(spec))
    pushAll(notes, addedClassNotes({ reference: refClasses, current: curClasses, spec, names: roles.targets, currentRows: current.rowCount, configuredTask: config.task }))
    // The rows as the stream reads the same events (./stream-targets.ts).
    const refRead = readTargets(refColumns, spec)
    const curRead = readTargets(curColumns, spec)
    const refStream = streamTargets(refRead, refColumns.score)
    const curStream = streamTargets(curRead, curColumns.score)
    pushAll(notes, streamTargetsNotes('reference', reference.rowCount, refStream))
    pushAll(notes, streamTargetsNotes('current', current.rowCount, curStream))
    const refTargets = refStream.targets
    const curTargets = curStream.targets
    await pause()
    const refPerformance = performanceProfile(refTargets)
    const profile = tableProfile(reference, profileFeatures.features, spec, refPerformance)
    await pause()
    const performance = performanceSection(
      {
        reference: { table: reference, targets: refTargets, performance: refPerformance, classes: refRead.predictions },
        current: { table: current, targets: curTargets, classes: curRead.predictions },
        roles,
        confidence: config.confidence,
      },
      notes,
    )
    await pause()
    const fairness = fairnessSection(current, curTargets, roles.protected, config.minGroupSize, notes, rawScores(current, roles.targets.score), config.confidence)
    return { profile, performance, fairness }
  }
  // A continuous label or prediction holds no classes (./continuous-targets.ts): no classification
  // metric or fairness rate is computed from it. The model file's task: binary or multiclass reads
  // them as classes, task: regression as continuous.
  const inferred = config.task === undefined && !config.regression
  const continuous = config.regression ? regressionTargets(roles.targets, [refColumns, curColumns]) : inferred ? continuousTargets(roles.targets, [refColumns, curColumns]) : []
  // Integer columns of many values read as classes say so: they could be counts.
  if (inferred && continuous.length === 0) pushAll(notes, integerClassesNote(roles.targets, [refColumns, curColumns]))
  const { profile, performance, fairness } =
    continuous.length > 0
      ? continuousTargetSections({ reference, current, roles, confidence: config.confidence, continuous }, profileFeatures.features, notes)
      : await classTargetSections()
  const summaries = (await pending) ?? {
    reference: outlierSummary(tableOutliers(profileFeatures, reference), threshold),
    current: outlierSummary(tableOutliers(profileFeatures, current), threshold),
  }
  pushAll(notes, outlierNotes(summaries))
  return {
    features,
    dataset: {
      drift_share: num(dataset.result.score),
      drifted_features: p['driftedFeatures'],
      evaluated_features: p['evaluatedFeatures'],
      number_of_features: p['features'],
      correction: config.correction,
      reference_rows: reference.rowCount,
      current_rows: current.rowCount,
      // The features the current file has no column of (left out of the dataset drift: not in the current file).
      ...(roles.missingInCurrent.length > 0 ? { missing_in_current: roles.missingInCurrent } : {}),
    },
    performance,
    fairness,
    quality: qualitySection(profile, current, summaries, threshold),
    notes,
  }
}

/** The targets' sections when the label or prediction is continuous: regression metrics when both are, no fairness (./continuous-section.ts). */
function continuousTargetSections(input: ContinuousInput & { readonly reference: Table }, features: ReferenceProfile['features'], notes: string[]) {
  const spec = resolveTask({})
  return {
    profile: tableProfile(input.reference, features, spec, performanceProfile(readTargets({}, spec))),
    performance: continuousSection(input, notes),
    fairness: {},
  }
}
