/**
 * Alert rule files (alerts/*.yaml): the schema. Pure.
 *
 * A rule names one stored metric (`metric` picks the table and the value), narrows it with
 * selectors, and states a condition that must hold for `consecutive` windows in a row. Every
 * metric kind is a strict object, so a field that does not belong to it is reported by path, and
 * so is anything that would make the rule select no row and never fire: a statistic the
 * evaluator does not store (./statistics.ts) or a selector on a dimension the metric's rows do
 * not have (./selectors.ts). Reference: docs/alerts.md.
 */
import { z } from 'zod'
import { durationSchema, notADuration } from '../window/duration-schema.js'
import { matches } from './condition.js'
import { selectorsOf } from './selectors.js'
import {
  DRIFT_STATISTICS, DRIFT_TARGETS, FAIRNESS_PARITY, FAIRNESS_STATISTICS, notOneOf, PERFORMANCE_KINDS, PERFORMANCE_STATISTICS, QUALITY_PER_EVENT,
  QUALITY_STATISTICS, type DriftTarget, type PerformanceKind,
} from './statistics.js'

export type { Selectors } from './selectors.js'

/**
 * A duration with its unit ('90s', '15m', '6h', '1d'). A bare number is refused, not read as
 * milliseconds: `cooldown: 6` meant minutes or hours, never 6 ms. 0 needs no unit.
 */
const duration = (min = 0) =>
  z
    .union([z.string(), z.number()], { error: (iss) => notADuration(iss.input) })
    .refine((v): boolean => typeof v === 'string' || v === 0, {
      error: (iss) => `${String(iss.input)} has no unit: write ${String(iss.input)}s, ${String(iss.input)}m or ${String(iss.input)}h (a bare number is not read as milliseconds)`,
      abort: true,
    })
    .pipe(durationSchema(min))

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const
export type Comparison = (typeof COMPARISONS)[number]

export const ConditionSchema = z.strictObject({
  op: z.enum(COMPARISONS),
  threshold: z.number().refine(Number.isFinite, 'must be a finite number'),
  /** The condition must hold in this many newest windows of the series that have a verdict. */
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
  condition: ConditionSchema,
  severity: z.enum(SEVERITIES).default('warning'),
  channels: z.array(z.enum(CHANNELS)).min(1).default([...CHANNELS]),
  /** After a firing notification, a new firing of the same alert key waits this long to be notified. */
  cooldown: duration().default(0),
  runbook: z.string().max(2000).optional(),
  /** Email recipients for this rule instead of ALERT_EMAIL_TO. */
  emailTo: z.array(z.email({ error: 'expected an email address, like ml-oncall@example.com' })).min(1).optional(),
}

/** A statistic by name; which names a rule may use is checked with the fields it depends on (below). */
const statistic = (metric: string, example: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? `a ${metric} rule names its statistic, e.g. statistic: ${example}` : `expected a ${metric} statistic by name, e.g. ${example}`) })

type Problem = (path: readonly (string | number)[], message: string) => void
type Fields = Readonly<Record<string, unknown>>

/**
 * Cross-field checks of one metric kind. They run even when other fields of the rule are bad (so
 * every problem is listed at once), and look only at fields that parsed (`when` gives them the
 * raw input of a field that did not).
 */
function crossChecked<S extends z.ZodObject>(schema: S, check: (rule: Fields, problem: Problem) => void): S {
  return schema.superRefine((rule, ctx) => check(rule as Fields, (path, message) => ctx.addIssue({ code: 'custom', path: [...path], message, input: rule })), {
    when: (p) => typeof p.value === 'object' && p.value !== null,
  })
}

const isOneOf = <T extends string>(v: unknown, list: readonly T[]): v is T => typeof v === 'string' && (list as readonly string[]).includes(v)
const selectorOf = (rule: Fields, d: string): readonly string[] | undefined => {
  const s = rule['select'] as Record<string, unknown> | undefined
  const v = s?.[d]
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined
}

const DriftRule = crossChecked(
  z.strictObject({
    ...common,
    metric: z.literal('drift'),
    select: selectorsOf('drift', ['model', 'version', 'feature']).prefault({}),
    /** score / p_value (the adjusted one that decides; p_value_raw: before correction) of the deciding method, drift_detected (0/1), or a statistic by name (./statistics.ts). */
    statistic: statistic('drift', 'psi').default('score'),
    target: z.enum(DRIFT_TARGETS).default('feature'),
  }),
  (rule, problem) => {
    if (!isOneOf<DriftTarget>(rule['target'], DRIFT_TARGETS) || typeof rule['statistic'] !== 'string') return
    const allowed = DRIFT_STATISTICS[rule['target']]
    if (!allowed.includes(rule['statistic'])) problem(['statistic'], notOneOf(rule['statistic'], `a ${rule['target']} drift statistic`, allowed))
  },
)

const DatasetDriftRule = z.strictObject({ ...common, metric: z.literal('dataset_drift'), select: selectorsOf('dataset_drift', ['model', 'version']).prefault({}) })

const PerformanceRule = crossChecked(
  z.strictObject({
    ...common,
    metric: z.literal('performance'),
    select: selectorsOf('performance', ['model', 'version']).prefault({}),
    /** The stored metric: accuracy, f1, roc_auc, ... (./statistics.ts, by kind). */
    statistic: statistic('performance', 'f1'),
    kind: z.enum(PERFORMANCE_KINDS).default('realized'),
    /** A deployment variant, as the predictions name it; `all` is every prediction. Not checked against the data. */
    variant: z.string().min(1).default('all'),
    /** 'reference': the value becomes (window − reference) / reference, the reference being the model's reference windows. */
    relativeTo: z.literal('reference').optional(),
  }),
  (rule, problem) => {
    if (!isOneOf<PerformanceKind>(rule['kind'], PERFORMANCE_KINDS)) return
    const kind = rule['kind']
    const allowed = PERFORMANCE_STATISTICS[kind]
    if (typeof rule['statistic'] === 'string' && !allowed.includes(rule['statistic'])) {
      problem(['statistic'], notOneOf(rule['statistic'], `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} performance statistic`, allowed))
    }
    if (kind !== 'degradation') return
    if (typeof rule['variant'] === 'string' && rule['variant'] !== 'all') {
      problem(['variant'], `degradation rows are written for variant all only: drop variant, or use kind realized or estimated for "${rule['variant']}"`)
    }
    if (rule['relativeTo'] !== undefined) problem(['relativeTo'], 'degradation rows are already window − reference: drop relativeTo')
  },
)

const FairnessRule = crossChecked(
  z.strictObject({
    ...common,
    metric: z.literal('fairness'),
    select: selectorsOf('fairness', ['model', 'version', 'group', 'groupValue']).prefault({}),
    /** A parity metric (disparate_impact_ratio, ...) or a per-group rate (selection_rate, ...). */
    statistic: statistic('fairness', 'disparate_impact_ratio'),
  }),
  (rule, problem) => {
    const stat = rule['statistic']
    if (typeof stat !== 'string') return
    if (!FAIRNESS_STATISTICS.includes(stat)) return problem(['statistic'], notOneOf(stat, 'a fairness statistic', FAIRNESS_STATISTICS))
    const values = selectorOf(rule, 'groupValue')
    if (!values) return
    // Parity rows have group value '', per-group rows the group's (never '').
    const parity = (FAIRNESS_PARITY as readonly string[]).includes(stat)
    if (parity && !values.some((v) => matches([v], ''))) {
      problem(['select', 'groupValue'], `${stat} compares the groups: its rows have no group value, so this would select nothing: drop groupValue (or use a per-group rate such as selection_rate)`)
    } else if (!parity && values.every((v) => v === '')) {
      problem(['select', 'groupValue'], `'' selects the parity rows, and ${stat} is a per-group rate: name the groups (e.g. groupValue: female), or drop groupValue`)
    }
  },
)

const QualityRule = crossChecked(
  z.strictObject({
    ...common,
    metric: z.literal('quality'),
    select: selectorsOf('quality', ['model', 'version', 'feature']).prefault({}),
    /** missing_rate, new_category_rate, out_of_range_rate (per feature), outlier_* (per event). */
    statistic: statistic('quality', 'missing_rate'),
  }),
  (rule, problem) => {
    const stat = rule['statistic']
    if (typeof stat !== 'string') return
    if (!QUALITY_STATISTICS.includes(stat)) return problem(['statistic'], notOneOf(stat, 'a quality statistic', QUALITY_STATISTICS))
    const features = selectorOf(rule, 'feature')
    if (features && (QUALITY_PER_EVENT as readonly string[]).includes(stat) && !features.some((f) => matches([f], ''))) {
      problem(['select', 'feature'], `${stat} is measured per event, not per feature (its rows have no feature), so this would select nothing: drop select.feature`)
    }
  },
)

const DetectorRule = z.strictObject({ ...common, metric: z.literal('detector'), select: selectorsOf('detector', ['model', 'version', 'detector']).prefault({}) })
const LabelCoverageRule = z.strictObject({ ...common, metric: z.literal('label_coverage'), select: selectorsOf('label_coverage', ['model', 'version']).prefault({}) })
const noModel = 'dead letters failed to decode, so they name none'
const DlqRateRule = z.strictObject({
  ...common,
  metric: z.literal('dlq_rate'),
  select: selectorsOf('dlq_rate', ['topic'], { model: noModel, version: noModel }).prefault({}),
  period: duration(60_000).default(3_600_000),
})

export const METRICS = ['drift', 'dataset_drift', 'performance', 'fairness', 'quality', 'detector', 'label_coverage', 'dlq_rate'] as const

export const RuleSchema = z.discriminatedUnion(
  'metric',
  [DriftRule, DatasetDriftRule, PerformanceRule, FairnessRule, QualityRule, DetectorRule, LabelCoverageRule, DlqRateRule],
  {
    error: (iss) =>
      typeof iss.input === 'object' && iss.input !== null && !Array.isArray(iss.input)
        ? `metric must be one of ${METRICS.join(', ')}`
        : `expected a rule: a mapping with name, metric and condition (metric one of ${METRICS.join(', ')})`,
  },
)

const isoTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: (iss) => `expected an ISO 8601 time with a zone, like "2026-12-01T00:00:00Z", or a date, like "2026-12-01" (UTC), got ${JSON.stringify(iss.input) ?? 'nothing'}`,
  })
  .transform((s) => Date.parse(s))

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
export type Condition = z.infer<typeof ConditionSchema>
export type FileSilence = z.infer<typeof FileSilenceSchema>
