/**
 * Alert rule files (alerts/*.yaml): the schema. Pure.
 *
 * A rule names one stored metric (`metric` picks the table and the value), narrows it with
 * selectors, and states a condition that must hold for `consecutive` windows in a row. Every
 * metric kind is a strict object, so a field that does not belong to it is reported by path.
 * Reference: docs/alerts.md.
 */
import { z } from 'zod'
import { durationSchema } from '../window/duration-schema.js'

const duration = (min = 0) => durationSchema(min)

/** One value or a list; `*` in a value matches any run of characters. */
const patterns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]))

export const SelectorsSchema = z.strictObject({
  model: patterns.optional(),
  version: patterns.optional(),
  /** Drift column or quality feature. */
  feature: patterns.optional(),
  /** Fairness: the protected attribute. */
  group: patterns.optional(),
  /** Fairness: the attribute's value ('' selects the parity rows). Per-group rates only. */
  groupValue: z.union([z.string(), z.array(z.string()).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])).optional(),
  /** Detector name (detector metric). */
  detector: patterns.optional(),
  /** Source topic (dlq_rate). */
  topic: patterns.optional(),
})

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const
export type Comparison = (typeof COMPARISONS)[number]

export const ConditionSchema = z.strictObject({
  op: z.enum(COMPARISONS),
  threshold: z.number().refine(Number.isFinite, 'must be a finite number'),
  /** The condition must hold in this many newest windows of the series in a row. */
  consecutive: z.number().int().min(1).max(100).default(1),
  /** Windows whose sample count is below this give no verdict (neither breach nor clear). */
  minSamples: z.number().int().min(0).default(0),
})

export const CHANNELS = ['slack', 'email', 'grafana'] as const
export type ChannelName = (typeof CHANNELS)[number]
export const SEVERITIES = ['critical', 'warning', 'info'] as const

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'must be lowercase letters, digits, - _ . (at most 100)'),
  description: z.string().max(500).optional(),
  select: SelectorsSchema.prefault({}),
  condition: ConditionSchema,
  severity: z.enum(SEVERITIES).default('warning'),
  channels: z.array(z.enum(CHANNELS)).min(1).default([...CHANNELS]),
  /** After a firing notification, a new firing of the same alert key waits this long to be notified. */
  cooldown: duration().default(0),
  runbook: z.string().max(2000).optional(),
  /** Email recipients for this rule instead of ALERT_EMAIL_TO. */
  emailTo: z.array(z.email()).min(1).optional(),
}

const DriftRule = z.strictObject({
  ...common,
  metric: z.literal('drift'),
  /** score / p_value (the adjusted one that decides; p_value_raw: before correction) of the deciding method, drift_detected (0/1), or a statistic by name (psi, ks, wasserstein, jensenshannon, ...). */
  statistic: z.string().regex(/^[a-z0-9_]+$/).default('score'),
  target: z.enum(['feature', 'prediction', 'label', 'concept']).default('feature'),
})
const DatasetDriftRule = z.strictObject({ ...common, metric: z.literal('dataset_drift') })
const PerformanceRule = z.strictObject({
  ...common,
  metric: z.literal('performance'),
  /** The stored metric: accuracy, precision, recall, f1, roc_auc, pr_auc. */
  statistic: z.string().min(1),
  kind: z.enum(['realized', 'estimated', 'degradation']).default('realized'),
  variant: z.string().min(1).default('all'),
  /** 'reference': the value becomes (window − reference) / reference, the reference being the model's reference windows. */
  relativeTo: z.literal('reference').optional(),
})
/** statistic: disparate_impact_ratio, demographic_parity_difference, ..., or a per-group rate (selection_rate, ...). */
const FairnessRule = z.strictObject({ ...common, metric: z.literal('fairness'), statistic: z.string().min(1) })
/** statistic: missing_rate, new_category_rate, ... */
const QualityRule = z.strictObject({ ...common, metric: z.literal('quality'), statistic: z.string().min(1) })
const DetectorRule = z.strictObject({ ...common, metric: z.literal('detector') })
const LabelCoverageRule = z.strictObject({ ...common, metric: z.literal('label_coverage') })
const DlqRateRule = z.strictObject({ ...common, metric: z.literal('dlq_rate'), period: duration(60_000).default(3_600_000) })

export const METRICS = ['drift', 'dataset_drift', 'performance', 'fairness', 'quality', 'detector', 'label_coverage', 'dlq_rate'] as const

export const RuleSchema = z.discriminatedUnion(
  'metric',
  [DriftRule, DatasetDriftRule, PerformanceRule, FairnessRule, QualityRule, DetectorRule, LabelCoverageRule, DlqRateRule],
  { error: () => `metric must be one of ${METRICS.join(', ')}` },
)

const isoTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => Date.parse(s))

export const FileSilenceSchema = z
  .strictObject({
    rule: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    from: isoTime.optional(),
    until: isoTime,
    reason: z.string().max(500).default(''),
  })
  .refine((s) => s.rule !== undefined || s.model !== undefined, { message: 'a silence names a rule, a model, or both' })

export const RuleFileSchema = z.strictObject({
  rules: z.array(RuleSchema).default([]),
  silences: z.array(FileSilenceSchema).default([]),
})

export type Rule = z.infer<typeof RuleSchema>
export type Selectors = z.infer<typeof SelectorsSchema>
export type Condition = z.infer<typeof ConditionSchema>
export type FileSilence = z.infer<typeof FileSilenceSchema>
