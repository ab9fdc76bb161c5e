/**
 * The model file of `driftwatch report --config model.yaml`: one model, in the shape of a
 * `models:` entry of driftwatch.yaml (src/config/file.ts's ModelSchema: id, task,
 * positiveClass, features, protected), plus what a batch report needs:
 *
 *   id: loan-model                 # optional
 *   task: binary                   # binary | multiclass | regression; default: inferred from the labels
 *   positiveClass: "1"             # default: see src/metrics/profile/targets.ts
 *   features:                      # the feature columns and their kinds; default: every
 *     income: numerical            # column but the targets, kinds inferred
 *     employment: categorical
 *   protected: [gender]            # fairness attributes (added to --protected)
 *   thresholds:                    # per feature: a threshold for the auto-selected method,
 *     income: 0.2                  # or a method and its threshold
 *     employment: { method: psi, threshold: 0.25 }
 *   columns: { label: label, prediction: prediction, score: score }   # target column names
 *   correction: benjamini-hochberg # or none (raw p-values, as Evidently)
 *   minGroupSize: 30               # fairness groups smaller than this are not compared
 *   confidence: 0.95               # of the performance-difference intervals
 *   outlierThreshold: 0.25
 * Validated once; every problem is reported with its path, as src/config/file.ts does.
 *
 * `task: regression` reads the label and prediction columns as continuous whatever their values
 * (./continuous-targets.ts regressionTargets): it comes out as `regression: true` with `task`
 * unset, so that `task` is always a task of classes (binary | multiclass), the one the code that
 * reads classes takes (src/metrics/profile/targets.ts TargetOptions).
 * Pure: the CLI reads the file and passes the text.
 */
import { z } from 'zod'
import { DriftwatchError } from '../errors.js'
import { parseYamlWith } from '../validation-problems.js'
import { booleanOf, booleanText } from './csv-cells.js'
import { CorrectionSchema, ThresholdSettingSchema } from '../metrics/drift/index.js'

// The thresholds syntax is shared with driftwatch.yaml (src/metrics/drift/thresholds.ts).
export { DISTANCE_METHODS, TEST_METHODS, type ConfigurableMethod as ReportMethod } from '../metrics/drift/index.js'
const Threshold = ThresholdSettingSchema

export const ReportConfigSchema = z.strictObject({
  id: z.string().min(1).max(256).optional(),
  task: z.enum(['binary', 'multiclass', 'regression']).optional(),
  // Named as the report names a class (src/report/csv-cells.ts): "true" is the class "True".
  positiveClass: z.union([z.string().min(1), z.number(), z.boolean()]).transform((v) => reportClassName(String(v))).optional(),
  features: z.record(z.string(), z.enum(['numerical', 'categorical'])).optional(),
  protected: z.array(z.string().min(1)).default([]),
  thresholds: z.record(z.string(), Threshold).default({}),
  columns: z
    .strictObject({ label: z.string().min(1), prediction: z.string().min(1), score: z.string().min(1) })
    .partial()
    .default({}),
  correction: CorrectionSchema.default('benjamini-hochberg'),
  minGroupSize: z.number().int().min(1).default(30),
  confidence: z.number().gt(0).lt(1).default(0.95),
  outlierThreshold: z.number().gt(0).max(1).default(0.25),
}).superRefine((m, ctx) => {
  // As driftwatch.yaml (src/config/file.ts): fairness reads binary outcomes only.
  if ((m.task === 'multiclass' || m.task === 'regression') && m.protected.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['protected'], message: `fairness is computed for binary models only, and this model's task is ${m.task}: remove protected, or set task: binary` })
  }
}).transform(({ task, ...m }) => {
  const config: typeof m & { task?: 'binary' | 'multiclass'; regression?: true } = { ...m }
  if (task === 'regression') config.regression = true
  else if (task !== undefined) config.task = task
  return config
})

export type ReportConfig = z.infer<typeof ReportConfigSchema>
export type ThresholdSetting = z.infer<typeof Threshold>

export const DEFAULT_REPORT_CONFIG: ReportConfig = ReportConfigSchema.parse({})

export function parseReportConfig(text: string, fileName: string): ReportConfig {
  const parsed = parseYamlWith(ReportConfigSchema, text, fileName)
  if (!parsed.ok) throw new DriftwatchError('DW_CONFIG_INVALID', `invalid model file:\n  ${parsed.problems.join('\n  ')}`, { problems: parsed.problems })
  return parsed.data
}

/** A configured class as the report names the cells of a file: a boolean `True` / `False` in any case. */
function reportClassName(text: string): string {
  const b = booleanOf(text)
  return b === undefined ? text : booleanText(b)
}
