/**
 * The reference profile: what `driftwatch baseline` stores and every window is compared with.
 *
 * Built from reference rows (one object per prediction, column → value):
 * - per feature: its kind (given, or ./infer-kind.ts) and the numerical (./numerical-profile.ts)
 *   or categorical (./categorical-profile.ts) summary;
 * - targets: the task and positive class (./targets.ts), the label and prediction class
 *   counts, the score's numerical summary, and the baseline performance
 *   (./performance-profile.ts).
 * Plain JSON (JSON.parse(JSON.stringify(p)) equals p: undefined statistics are null, never
 * NaN), versioned by `profileVersion`, and deterministic: the same rows and options give the
 * same JSON text. Features are listed in code-unit order of their names.
 */
import { type CategoricalProfile, categoricalProfile } from './categorical-profile.js'
import { inferKind } from './infer-kind.js'
import { type NumericalProfile, numericalProfile, type NumericalProfileOptions } from './numerical-profile.js'
import { type PerformanceProfile, performanceProfile } from './performance-profile.js'
import { readTargets, resolveTask, type TargetColumns, type TargetOptions, type Task } from './targets.js'
import { streamTargets } from './stream-targets.js'
import { type ColumnKind, compareText, type FeatureValue } from './values.js'

export const PROFILE_VERSION = 1

export type Row = Readonly<Record<string, FeatureValue>>

export type FeatureProfile = NumericalProfile | CategoricalProfile

export interface TargetNames {
  readonly label?: string
  readonly prediction?: string
  readonly score?: string
}

export interface ProfileOptions extends TargetOptions {
  /** Feature columns. Default: every column seen, except the target columns. */
  readonly features?: readonly string[]
  /** Kinds of features, where known; the others are inferred. */
  readonly kinds?: Readonly<Record<string, ColumnKind>>
  /** Target columns; a name that no row has is treated as absent. Default: none. */
  readonly targets?: TargetNames
  /**
   * Keep a deterministic sample of at most this many values of each numerical feature and of
   * the score (./numerical-profile.ts), for streams compared with the profile by KS and
   * Wasserstein. Default: no sample.
   */
  readonly sampleSize?: number
}

export interface TargetsProfile {
  readonly task: Task
  readonly positiveClass: string | null
  readonly label?: CategoricalProfile
  readonly prediction?: CategoricalProfile
  readonly score?: NumericalProfile
  readonly performance: PerformanceProfile
}

export interface ReferenceProfile {
  readonly profileVersion: typeof PROFILE_VERSION
  readonly rows: number
  readonly features: Readonly<Record<string, FeatureProfile>>
  readonly targets: TargetsProfile
}

export function column(rows: readonly Row[], name: string): FeatureValue[] {
  return rows.map((r) => r[name])
}

/** The target columns present in `rows` (a name no row has is absent). */
export function targetColumns(rows: readonly Row[], names: TargetNames = {}): TargetColumns {
  const present = (name: string | undefined) => name !== undefined && rows.some((r) => Object.hasOwn(r, name))
  return {
    ...(present(names.label) ? { label: column(rows, names.label as string) } : {}),
    ...(present(names.prediction) ? { prediction: column(rows, names.prediction as string) } : {}),
    ...(present(names.score) ? { score: column(rows, names.score as string) } : {}),
  }
}

export function featureNames(rows: readonly Row[], targets: TargetNames = {}): string[] {
  const excluded = new Set(Object.values(targets))
  const names = new Set<string>()
  for (const r of rows) for (const k of Object.keys(r)) if (!excluded.has(k)) names.add(k)
  return [...names].sort(compareText)
}

/** `weights[i]`, when given, is how many times `values[i]` occurs (./numerical-profile.ts). */
export function featureProfile(
  values: readonly FeatureValue[],
  kind: ColumnKind = inferKind(values),
  options: NumericalProfileOptions = {},
  weights?: readonly number[],
): FeatureProfile {
  return kind === 'numerical' ? numericalProfile(values, options, weights) : categoricalProfile(values, weights)
}

export function buildProfile(rows: readonly Row[], options: ProfileOptions = {}): ReferenceProfile {
  const names = [...(options.features ?? featureNames(rows, options.targets))].sort(compareText)
  const sampling = options.sampleSize === undefined ? {} : { sampleSize: options.sampleSize }
  const features = Object.fromEntries(names.map((name) => [name, featureProfile(column(rows, name), options.kinds?.[name], sampling)]))
  const columns = targetColumns(rows, options.targets)
  const spec = resolveTask(columns, options)
  // As the stream reads the same events (./stream-targets.ts): a class predicted from the score.
  const { targets } = streamTargets(readTargets(columns, spec), columns.score)
  return {
    profileVersion: PROFILE_VERSION,
    rows: rows.length,
    features,
    targets: {
      // The stored profile keeps the task and positive class; how classes were compared is in the names.
      task: spec.task,
      positiveClass: spec.positiveClass,
      ...(columns.label ? { label: categoricalProfile(columns.label) } : {}),
      ...(columns.prediction ? { prediction: categoricalProfile(columns.prediction) } : {}),
      ...(columns.score ? { score: numericalProfile(columns.score, sampling) } : {}),
      performance: performanceProfile(targets),
    },
  }
}
