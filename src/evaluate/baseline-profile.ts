/**
 * The reference profile `driftwatch baseline` stores, from a training (or any reference) file
 * already parsed into records. Pure: the CLI reads the file.
 *
 * - CSV (src/cli/report.ts's parseCsv): cells are typed as src/report does (missing tokens,
 *   decimal numbers), each as written (src/report/csv-cells.ts cellValue), and a categorical
 *   feature whose non-missing cells are all true / false in any case (pandas read_csv's bool
 *   column: `True`, `true`, `TRUE`) is read as booleans, the category `true` / `false` that the
 *   stream gives a boolean feature value (src/store/rows.ts), whichever way the file writes them.
 *   The report names such a cell `True` / `False` (pandas' own text): both read the same cells
 *   as booleans, each names them as what it compares them with does. Labels and predictions stay
 *   as written: the stream compares the class strings its events carry; JSONL: one flat JSON
 *   object per line, values string, number, boolean or null.
 * - Targets: the label, prediction and score columns (names default to label / prediction /
 *   score); task and positive class from driftwatch.yaml (positive class default "1", as the
 *   evaluator's), so the profile's confusion counts mean what the stream's do.
 * - Features: the model's configured features, else every column but the targets and the
 *   excluded ones. Kind: configured, else the kind the stream gives the feature (numbers go to
 *   features_num, strings and booleans to features_cat: src/store/rows.ts), i.e. numerical when
 *   every non-missing value is a number. Not src/metrics/profile's inferKind, whose
 *   few-distinct-values rule would make a 0/1 number categorical here and numerical in the
 *   stream; drift still compares such a feature as categorical (src/evaluate/drift-rows.ts).
 * - A deterministic sample of at most `sampleSize` values per numerical feature and of the
 *   score (evaluation.maxSampleSize), for KS and Wasserstein.
 * - The rows the stream would take as events: a row with an infinite feature value (a feature
 *   the stream reads as a number: DW_NON_FINITE_NUMBER), and a classification model's row whose
 *   score the stream refuses (text, ±Infinity, outside [0, 1]: ../metrics/profile/stream-targets.ts),
 *   are events it dead-letters, and are left out of the profile whole (`rows` counts the rows
 *   kept; `leftOut` counts the others by reason, the CLI says how many). A binary row with a
 *   score but no class is predicted from its score. Not applied: refusals of fields a file does
 *   not carry (ids, times, probabilities), and a regression model's value, which a profile does
 *   not read.
 */
import { own } from '../metrics/own.js'
import type { ModelConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import { RESERVED_FEATURE_NAMES } from '../ingest/validate.js'
import { buildProfile, compareText, isMissing, refusedScore, type ColumnKind, type FeatureValue, type ReferenceProfile, type Row, type TargetNames } from '../metrics/profile/index.js'
import { type CsvTable, parseCell, typeRecords } from '../report/index.js'
import { isBooleanColumn, type RecordType } from '../report/csv-cells.js'
import { tallyValues, textIsViolation } from '../report/cell-kind.js'
import { storedFeatureValue, type Privacy } from '../store/privacy.js'

export interface BaselineOptions {
  readonly model: ModelConfig
  readonly targets: Required<TargetNames>
  readonly exclude?: readonly string[]
  readonly sampleSize: number
}

export interface BaselineTable {
  readonly columns: readonly string[]
  readonly rows: readonly Row[]
  /** The kinds the file's reader decided (a CSV's: csvColumnKind); otherwise read from the rows as the stream splits them. */
  readonly kinds?: Readonly<Record<string, ColumnKind>>
}

/** Numerical when every non-missing value is a number (the stream's split of feature values). */
export function streamKind(values: readonly FeatureValue[]): ColumnKind {
  return values.every((v) => isMissing(v) || typeof v === 'number') && values.some((v) => !isMissing(v)) ? 'numerical' : 'categorical'
}

/**
 * A CSV column's kind as `driftwatch report` reads the same file (src/report/cell-kind.ts): as the
 * stream's, except that a few text cells among numbers (at least NUMERIC_CELL_SHARE of the
 * non-missing cells numbers) leave it numerical, those cells counted as type violations by the
 * profile. Read as categorical, every number would be its own category of the
 * profile, and the stream's numbers would drift against it in every window.
 */
export function csvColumnKind(values: readonly FeatureValue[]): ColumnKind {
  if (streamKind(values) === 'numerical') return 'numerical'
  return textIsViolation(tallyValues(values)) ? 'numerical' : 'categorical'
}

function featureColumns(columns: readonly string[], o: BaselineOptions): string[] {
  const configured = Object.keys(o.model.features)
  if (configured.length > 0) return configured.sort(compareText)
  const skip = new Set([...Object.values(o.targets), ...(o.exclude ?? [])])
  const features = columns.filter((c) => !skip.has(c)).sort(compareText)
  // The stream refuses a prediction with a feature of a reserved name (src/ingest/validate.ts),
  // and the profile keeps the score under one of them: such a column cannot be a feature.
  const reserved = features.filter((c) => RESERVED_FEATURE_NAMES.has(c))
  if (reserved.length > 0) {
    throw new DriftwatchError(
      'DW_FILE_INVALID',
      `cannot build the baseline: column ${reserved.map((c) => `"${c}"`).join(', ')} has a name driftwatch reserves for the prediction's own columns; rename it, name it with --score/--prediction/--label, or leave it out with --exclude`,
    )
  }
  return features
}

export function csvBaselineTable(table: CsvTable, o: BaselineOptions): BaselineTable {
  const types: Record<string, RecordType> = { [o.targets.score]: 'number' }
  for (const f of featureColumns(table.columns, o)) {
    const cells = table.records.map((r) => r[f])
    const kind = own(o.model.features, f) ?? csvColumnKind(cells.map((c) => parseCell(c, 'number')))
    types[f] = kind === 'numerical' ? 'number' : isBooleanColumn(cells) ? 'boolean' : 'text'
  }
  // A text cell in a column read as numbers stays text: the profile counts it as a type violation.
  const kinds = Object.fromEntries(Object.entries(types).filter(([c]) => c !== o.targets.score).map(([c, t]) => [c, t === 'number' ? 'numerical' : 'categorical'] as const))
  return { columns: table.columns, rows: typeRecords(table.records, types), kinds }
}

export function jsonlBaselineTable(text: string, path: string): BaselineTable {
  const rows: Row[] = []
  const columns = new Set<string>()
  const problems: string[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (e) {
      problems.push(`line ${i + 1}: not JSON: ${(e as Error).message}`)
      return
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push(`line ${i + 1}: not a JSON object`)
    const bad = Object.entries(value).find(([, v]) => v !== null && !['string', 'number', 'boolean'].includes(typeof v))
    if (bad) return void problems.push(`line ${i + 1}: "${bad[0]}" is not a string, number, boolean or null`)
    for (const k of Object.keys(value)) columns.add(k)
    rows.push(value as Row)
  })
  if (problems.length > 0) throw new DriftwatchError('DW_FILE_INVALID', `${path}: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}`, { path, problems })
  if (rows.length === 0) throw new DriftwatchError('DW_FILE_INVALID', `${path}: no data rows`, { path })
  return { columns: [...columns], rows }
}

/** ±Infinity, which the stream refuses as a feature value (NaN is a file's missing marker here). */
const isInfinite = (v: FeatureValue): boolean => v === Infinity || v === -Infinity

/**
 * The table as the stream would store it: pii features' values pseudonymized (src/store/privacy.ts).
 * An infinite number is kept as it is: the stream refuses its event before any pseudonym is
 * made, and baselineProfile leaves its row out.
 */
export function privateBaselineTable(table: BaselineTable, privacy: Privacy, modelId: string): BaselineTable {
  if (privacy.piiFeatures(modelId).size === 0) return table
  const stored = storedFeatureValue<FeatureValue>(privacy, modelId)
  const value = (k: string, v: FeatureValue) => (isInfinite(v) ? v : stored(k, v))
  return { columns: table.columns, rows: table.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, value(k, v as FeatureValue)]))) as Row[] }
}

/** The rows a baseline leaves out, by the stream's reason for refusing the same event. */
export interface BaselineLeftOut {
  /** A feature's value is ±Infinity (DW_NON_FINITE_NUMBER in the stream), checked first. */
  readonly nonFiniteFeature: number
  /** A classification model's score is text, ±Infinity or outside [0, 1] (refusedScore). */
  readonly refusedScore: number
}

export interface Baseline {
  readonly profile: ReferenceProfile
  /** What the profile does not count; `profile.rows` counts the rows kept. */
  readonly leftOut: BaselineLeftOut
}

export function baselineProfile(table: BaselineTable, o: BaselineOptions): Baseline {
  const features = featureColumns(table.columns, o)
  const missing = features.filter((f) => !table.columns.includes(f))
  if (features.length === 0 || missing.length > 0) {
    const why = features.length === 0 ? 'there is no feature column' : `configured feature(s) ${missing.join(', ')} not in the file`
    throw new DriftwatchError('DW_FILE_INVALID', `cannot build the baseline: ${why}`)
  }
  const kinds = Object.fromEntries(features.map((f) => [f, own(o.model.features, f) ?? table.kinds?.[f] ?? streamKind(table.rows.map((r) => r[f]))]))
  const task = o.model.task === 'regression' ? undefined : o.model.task
  // A classification model's rows whose score the stream would refuse (a regression profile reads
  // no targets). A configured feature named like the score column is a feature, never a score.
  const score = o.targets.score
  const screened = task !== undefined && !features.includes(score)
  const infinite = (r: Row) => features.some((f) => isInfinite(r[f]))
  const badScore = (r: Row) => screened && refusedScore((Object.hasOwn(r, score) ? r[score] : null) as FeatureValue) !== undefined
  const rows: Row[] = []
  let nonFiniteFeature = 0
  let refusedScores = 0
  for (const r of table.rows) {
    if (infinite(r)) nonFiniteFeature++
    else if (badScore(r)) refusedScores++
    else rows.push(r)
  }
  if (rows.length === 0) {
    const why = nonFiniteFeature > 0 && refusedScores > 0
      ? `each row has an infinite feature or a "${score}" the stream refuses as a score (text, infinite or outside [0, 1])`
      : nonFiniteFeature > 0
        ? 'every row has a feature whose value is infinite, which the stream refuses'
        : `every row's "${score}" is text, infinite or outside [0, 1], which the stream refuses as a score`
    throw new DriftwatchError('DW_FILE_INVALID', `cannot build the baseline: ${why}`)
  }
  const profile = buildProfile(rows, {
    features,
    kinds,
    targets: task ? o.targets : {},
    ...(task ? { task, positiveClass: o.model.positiveClass ?? '1' } : {}),
    sampleSize: o.sampleSize,
  })
  return { profile, leftOut: { nonFiniteFeature, refusedScore: refusedScores } }
}
