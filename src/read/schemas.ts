/**
 * The read API's contract: JSON Schemas of the read routes' query strings and responses.
 * Fastify validates requests and serializes replies with these objects, and @fastify/swagger
 * publishes the same objects in GET /openapi.json, so what is documented is what is sent.
 *
 * Conventions: times are ISO 8601 strings in UTC (`2026-11-21T10:00:00.000Z`); a figure that
 * cannot be computed (no labels, an empty group, NaN in the store) is null, never omitted; a
 * stored metric value that is ±∞ (an overflow, a ratio over an empty denominator) is the string
 * "Infinity" / "-Infinity" (`metricNum`), since JSON has no infinities;
 * lists that can grow without bound are paginated with `limit` and an opaque `cursor`
 * (`next_cursor` null on the last page). Additive changes only: the web UI builds against this.
 */

import { MAX_COUNT_GROUPS } from './dead-letters.js'

export const iso = { type: 'string', format: 'date-time' } as const
const isoOrNull = { type: ['string', 'null'], format: 'date-time' } as const
const num = { type: ['number', 'null'] } as const
/** A stored metric value: a number, "Infinity" / "-Infinity" for ±∞, or null (not defined: NaN, or missing). */
export const metricNum = {
  anyOf: [{ type: 'number' }, { type: 'string', enum: ['Infinity', '-Infinity'] }, { type: 'null' }],
  description: 'A number; the string "Infinity" or "-Infinity" when the stored value is ±∞; null when it is not defined (NaN) or missing.',
} as const
export const count = { type: 'integer', minimum: 0 } as const
export const text = { type: 'string' } as const
export const strings = { type: 'array', items: text } as const
export const obj = <P extends Record<string, object>>(properties: P, description?: string) =>
  ({ type: 'object', ...(description ? { description } : {}), properties, required: Object.keys(properties) as (keyof P & string)[], additionalProperties: false }) as const

/** The model's main performance metric in a window, realized (labels) and estimated (CBPE). */
export const HeadlinePerformanceSchema = obj({
  metric: { type: 'string', description: 'roc_auc for binary models (accuracy when there are no scores), accuracy for multiclass, mae for regression.' },
  variant: { type: 'string', description: "Deployment variant; 'all' is every variant together." },
  realized: { ...metricNum, description: `From joined labels; null without labels. ${metricNum.description}` },
  estimated: { ...metricNum, description: `CBPE estimate (binary models with scores); null otherwise. ${metricNum.description}` },
  n: { ...count, description: 'Labeled predictions behind the realized value.' },
}, 'The main performance metric of the window.')

/** The worst fairness ratio of the window over the protected attributes (4/5 rule: < 0.8 is unfair). */
const headlineFairness = obj({
  attribute: text,
  metric: { type: 'string', description: 'disparate_impact_ratio' },
  value: metricNum,
  status: { type: 'string', description: "'ok', or why the value is not a verdict (e.g. 'insufficient')." },
}, 'The worst fairness ratio over the protected attributes: the attribute whose upper bound (upper_bound) is lowest when the window stored bounds, else the lowest ratio.')
/**
 * upper_bound is absent, not null, for a window evaluated before the bound existed: null is a
 * bound that could not be computed. Not required, so the ratio-only headline stays valid.
 */
export const HeadlineFairnessSchema = {
  ...headlineFairness,
  properties: {
    ...headlineFairness.properties,
    upper_bound: { ...metricNum, description: `The ratio's one-sided 95% upper confidence bound (disparate_impact_ratio_upper, docs/evaluation.md "The four-fifths rule beyond sampling noise"), what the default alert rule compares with 0.8: below 0.8, the attribute is below the 4/5 rule beyond sampling noise; the ratio below 0.8 with the bound at or above it is within noise. Absent for a window evaluated before the bound was stored (read the ratio alone then). ${metricNum.description}` },
  },
} as const

/** Headline figures of one (model version, window): the rows of the series route. */
export const WindowHeadlineSchema = obj({
  model_version: text,
  window_start: iso,
  window_end: iso,
  closed: { type: 'boolean', description: 'The watermark passed the window end at its newest evaluation.' },
  future: { type: 'boolean', description: 'The window starts after the time of the request (events are accepted up to ingest.maxFutureMs ahead): it is stored and listed, but is no model\'s latest window and decides no alert until it starts.' },
  evaluated_at: { ...iso, description: 'Time of the newest evaluation (the version that wins).' },
  predictions: count,
  labeled: count,
  label_coverage: { ...num, description: 'labeled / predictions.' },
  drift_share: { ...num, description: 'Share of features whose drift was detected (dataset drift).' },
  n_features: count,
  n_drifted: count,
  drifted_features: strings,
  n_insufficient: { ...count, description: 'Features without a verdict for lack of data (too few rows on a side).' },
  drift_status: { type: 'string', description: "'ok'; 'insufficient' when no feature could be judged (drift_share null); 'not_computable' when no feature's statistic could be computed; 'no_reference' when the window was compared with no reference (a model's first window: no drift rows, n_features 0); 'not_evaluated' when the window has no drift rows." },
  performance: { anyOf: [HeadlinePerformanceSchema, { type: 'null' }] },
  fairness: { anyOf: [HeadlineFairnessSchema, { type: 'null' }] },
  quality_problems: { ...count, description: 'Quality findings of the window: features with a missing or new-category rate above 0 or an out-of-range rate improbably high for data like the reference (chance at most 0.001), and the outlier rate when it is (src/ui/quality-problems.ts, docs/evaluation.md).' },
  firing_alerts: { ...count, description: 'Alerts firing now whose newest window is this one.' },
}, 'Headline figures of one window of one model version.')

export const ReferenceDescriptionSchema = obj({
  kind: { type: 'string', enum: ['previous_windows', 'period', 'baseline'] },
  description: { type: 'string', description: 'e.g. "previous 1 window(s)", "2026-01-01T00:00:00.000Z..2026-02-01T00:00:00.000Z", "baseline latest".' },
}, 'What drift is measured against (driftwatch.yaml models[].reference).')

export const VersionSummarySchema = obj({
  version: text,
  windows: count,
  first_window_start: iso,
  last_window_start: iso,
})

export const ModelSummarySchema = obj({
  model: text,
  configured: { type: 'boolean', description: 'Listed in driftwatch.yaml (otherwise accepted with default settings).' },
  task: { type: 'string', enum: ['binary', 'multiclass', 'regression', 'unknown'], description: "As driftwatch.yaml sets it; for a model it does not list (configured false), as the model's stored figures tell (regression metrics, multiclass averages, binary-only metrics, scores or values), and 'unknown' when they tell nothing." },
  window_ms: count,
  reference: ReferenceDescriptionSchema,
  versions: { type: 'array', items: VersionSummarySchema },
  variants: { ...strings, description: "Deployment variants seen in performance rows; 'all' is every variant together." },
  latest: { anyOf: [WindowHeadlineSchema, { type: 'null' }], description: 'The most recent evaluated window that has started (over all versions); null when there is none. A window starting after the time of the request is not the latest.' },
  firing_alerts: count,
})

export const ModelListSchema = obj({
  items: { type: 'array', items: ModelSummarySchema },
  next_cursor: { type: ['string', 'null'] },
})

export const WindowSeriesSchema = obj({
  model: text,
  items: { type: 'array', items: WindowHeadlineSchema },
  next_cursor: { type: ['string', 'null'] },
})

/** Reference vs current distribution of a drift row's column. */
export const DistributionSchema = {
  anyOf: [
    obj({
      kind: { type: 'string', enum: ['histogram'] },
      edges: { type: 'array', items: { type: 'number' }, description: 'Inner bin edges (the reference deciles, ties collapsed): bin i holds edges[i-1] <= v < edges[i]; the first and last bins are open. reference and current have edges.length + 1 counts.' },
      reference: { type: 'array', items: { type: 'number' } },
      current: { type: 'array', items: { type: 'number' } },
    }),
    obj({
      kind: { type: 'string', enum: ['categories'] },
      categories: strings,
      reference: { type: 'array', items: { type: 'number' } },
      current: { type: 'array', items: { type: 'number' } },
    }),
    { type: 'null' },
  ],
  description: 'Counts per bin or category; null when not available (e.g. the reference is no longer stored).',
} as const

export const DriftDetailSchema = obj({
  target: { type: 'string', description: "'feature', 'prediction', 'label' or 'calibration'." },
  column: text,
  column_kind: text,
  method: { type: 'string', description: 'The statistic that decided (auto-selected or configured).' },
  score: metricNum,
  p_value: { ...num, description: 'Raw p-value of the deciding test; null for distance methods.' },
  p_value_adjusted: { ...num, description: 'p-value after multiple-testing correction, when stored; null otherwise.' },
  threshold: metricNum,
  drift_detected: { type: 'boolean', description: 'Drift detected; false also when there is no verdict (see status).' },
  status: { type: 'string', description: "'ok'; 'insufficient' (too few rows on a side for a verdict), 'no_positive_class' (a binary model's calibration row when its positive class is none of a side's classes: set positiveClass), 'method_not_applicable' (a configured method that does not apply) or 'not_computable' (enough rows, but the deciding statistic could not be computed, e.g. a calibration row whose labels are all one class): no verdict." },
  statistics: { type: 'object', additionalProperties: { anyOf: [{ type: 'number' }, { type: 'string', enum: ['Infinity', '-Infinity'] }] }, description: 'Every applicable statistic by name (p-values as <name>_p_value); "Infinity" / "-Infinity" when ±∞; a statistic that is not defined (NaN) is left out.' },
  n_reference: count,
  n_current: count,
  unseen_categories: strings,
  distribution: DistributionSchema,
  distribution_note: { type: ['string', 'null'], description: "Why distribution is null, in one line (the reference's bins no longer fit the stored counts, or a side's counts expired after retention.raw); null when there is a distribution or the row has none (calibration)." },
})

export const PerformanceDetailSchema = obj({
  variant: text,
  metric: text,
  kind: { type: 'string', description: "'realized', 'estimated' (CBPE) or 'degradation' (window minus reference)." },
  value: metricNum,
  n: count,
  label_coverage: num,
  ci_low: metricNum,
  ci_high: metricNum,
})

export const FairnessDetailSchema = obj({
  attribute: text,
  group: { type: 'string', description: "The group's value; '' for parity metrics over the attribute." },
  metric: text,
  value: metricNum,
  n: count,
  status: text,
})

export const QualityDetailSchema = obj({ feature: text, metric: text, value: metricNum, n: count })

export const DetectorDetailSchema = obj({
  detector: text,
  score: { ...metricNum, description: `The detector's estimate after this window. ${metricNum.description}` },
  threshold: metricNum,
  drift_detected: { type: 'boolean' },
  detections: { type: 'array', items: iso, description: 'Detection times inside this window.' },
})

export const AlertSchema = obj({
  alert_key: text,
  rule: text,
  metric: text,
  model: text,
  model_version: text,
  subject: text,
  severity: text,
  status: { type: 'string', enum: ['firing', 'resolved'] },
  value: metricNum,
  threshold: metricNum,
  window_start: iso,
  window_end: iso,
  fired_at: { ...iso, description: 'When the current episode started firing.' },
  resolved_at: { ...isoOrNull, description: 'When it resolved; null while firing.' },
  changed_at: iso,
  details: strings,
  transitions: {
    type: 'array',
    description: "The key's transitions, newest first (at most 20).",
    items: obj({ seq: count, status: text, changed_at: iso, window_start: iso, value: metricNum }),
  },
})

/** One row of table comparison: challenger minus champion on one metric in one window. */
export const ComparisonDetailSchema = obj({
  metric: { type: 'string', description: 'accuracy, precision, recall, false_positive_rate, selection_rate, f1 or roc_auc.' },
  method: { type: 'string', description: 'How the interval and p-value were computed (newcombe, f1_delta, delong).' },
  champion_version: { type: 'string', description: "The version with the most 'champion' predictions in the window (else the most predictions)." },
  challenger_version: text,
  champion_value: num,
  challenger_value: num,
  difference: { ...num, description: 'challenger_value − champion_value.' },
  ci_low: { ...num, description: 'Lower end of the interval of the difference.' },
  ci_high: { ...num, description: 'Upper end of the interval of the difference.' },
  p_value: { ...num, description: 'Two-sided p-value of "no difference"; null where the method gives none.' },
  n_champion: { ...count, description: "The metric's denominator on the champion's side (labeled predictions for accuracy)." },
  n_challenger: count,
}, 'Challenger minus champion, as the evaluator stored it. No verdict is stored: whether higher is better depends on the metric.')

export const ComparisonSeriesSchema = obj({
  model: text,
  items: { type: 'array', items: obj({ window_start: iso, window_end: iso, comparisons: { type: 'array', items: ComparisonDetailSchema } }) },
  next_cursor: { type: ['string', 'null'] },
})

export const WindowDetailSchema = obj({
  model: text,
  model_version: text,
  window_start: iso,
  window_end: iso,
  closed: { type: 'boolean' },
  future: { type: 'boolean', description: 'The window starts after the time of the request, as in the series (WindowHeadline.future).' },
  evaluated_at: iso,
  reference: { type: 'string', description: 'The reference the window was compared with, as recorded at evaluation.' },
  summary: obj({ predictions: count, labeled: count, label_coverage: num, mean_label_delay_s: num }),
  dataset_drift: { anyOf: [obj({ drift_share: num, n_features: count, n_drifted: count, drifted_features: strings, n_insufficient: count, status: text }), { type: 'null' }] },
  drift: { type: 'array', items: DriftDetailSchema },
  performance: { type: 'array', items: PerformanceDetailSchema },
  fairness: { type: 'array', items: FairnessDetailSchema },
  quality: { type: 'array', items: QualityDetailSchema },
  detectors: { type: 'array', items: DetectorDetailSchema },
  comparison: { type: 'array', items: ComparisonDetailSchema, description: "The window's model comparisons in which this version is the champion or a challenger (current evaluation only)." },
  alerts: { type: 'array', items: AlertSchema, description: 'Alerts whose newest transition is about this window.' },
})

const DEAD_LETTER_FIELDS = {
  topic: { type: 'string', description: 'Source topic.' },
  partition: count,
  offset: { type: 'string', description: 'Source offset (a 64-bit integer as a string).' },
  code: { type: 'string', description: 'DW_* error code.' },
  message: { type: 'string', description: 'The error message (at most 2000 characters).' },
  model: { type: 'string', description: "The model read from the record's first Avro fields; '' when it cannot be read (labels, records that failed to decode)." },
  key_bytes: { ...count, description: 'Size of the raw key.' },
  value_bytes: { ...count, description: 'Size of the raw value.' },
  dlq_truncated: { type: 'string', description: "What the <topic>.dlq record had to leave out to fit ('' when whole)." },
  dead_lettered_at: iso,
} as const

export const DeadLetterReportSchema = obj({
  from: iso,
  to: iso,
  total: { ...count, description: 'Dead letters in the range (deduplicated by source offset), orphan-label notices included.' },
  notices: { ...count, description: 'Of total, the orphan-label notices (DW_ORPHAN_LABEL): labels that are stored, with no stored prediction yet; not rejected records. total - notices records were rejected.' },
  stored: { ...count, description: 'Predictions and labels stored with an ingest time in the range, counted as the dlq-rate alert counts them.' },
  counts: {
    type: 'array',
    description: 'Dead letters per (topic, code, model), most first.',
    items: obj({
      topic: { type: 'string', description: 'Source topic.' },
      code: { type: 'string', description: 'DW_* error code.' },
      model: DEAD_LETTER_FIELDS.model,
      count,
      first_at: iso,
      last_at: iso,
    }),
  },
  counts_truncated: { type: 'boolean', description: `More than ${MAX_COUNT_GROUPS} groups: only the largest are listed; total still counts them all.` },
  recent: {
    type: 'array',
    description: 'The most recent dead letters, newest first.',
    items: {
      type: 'object',
      properties: {
        ...DEAD_LETTER_FIELDS,
        raw_key_base64: { type: 'string', description: 'With raw=true only: the stored key prefix (first 4 KiB), base64.' },
        raw_value_base64: { type: 'string', description: 'With raw=true only: the stored value prefix (first 4 KiB), base64.' },
      },
      required: Object.keys(DEAD_LETTER_FIELDS),
      additionalProperties: false,
    },
  },
}, 'Dead letters of a processing-time range: counts, and the most recent ones without their bytes.')

export const AlertListSchema = obj({
  items: { type: 'array', items: AlertSchema },
  next_cursor: { type: ['string', 'null'] },
})

// ---- requests

const limit = (max: number, dflt: number) => ({ type: 'integer', minimum: 1, maximum: max, default: dflt }) as const
const cursor = { type: 'string', maxLength: 512, description: 'next_cursor of the previous page.' } as const
const time = {
  type: 'string', maxLength: 64,
  description: 'Epoch milliseconds (digits), or ISO 8601 with a zone (Z or ±hh:mm) or a bare date (midnight UTC); not before 1970-01-01.',
} as const
/** A time parameter (a bound: src/read/params.ts parseBound): what it bounds, then the forms it takes. */
export const timeParam = (what: string) => ({ ...time, description: `${what} ${time.description} A '+' in a zone must be sent as %2B. Later than 9999-12-31T23:59:59.999Z reads as that time.` })

/** The metrics the evaluator compares versions on (src/evaluate/comparison.ts), in snake case as stored. */
export const COMPARISON_METRICS = ['accuracy', 'precision', 'recall', 'false_positive_rate', 'selection_rate', 'f1', 'roc_auc'] as const

export const ModelListQuerySchema = {
  type: 'object',
  properties: { limit: limit(1000, 100), cursor },
  additionalProperties: false,
} as const

export const ModelParamsSchema = obj({ model: { type: 'string', minLength: 1, maxLength: 256 } })
export const WindowParamsSchema = obj({ model: { type: 'string', minLength: 1, maxLength: 256 }, start: time })

export const WindowSeriesQuerySchema = {
  type: 'object',
  properties: {
    from: timeParam('Windows starting at or after this time.'),
    to: timeParam('Windows starting before this time.'),
    version: { type: 'string', maxLength: 256, description: 'Only this version; one without an evaluated window is 404.' },
    variant: { type: 'string', maxLength: 256, description: "Performance of this variant (default 'all'); a variant the model has no performance rows of is 404." },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    limit: limit(5000, 1000),
    cursor,
  },
  additionalProperties: false,
} as const

export const WindowDetailQuerySchema = {
  type: 'object',
  properties: { version: { type: 'string', maxLength: 256, description: 'Needed when several versions have a window at this start; one without an evaluated window is 404.' } },
  additionalProperties: false,
} as const

export const AlertListQuerySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['firing', 'all'], default: 'all', description: "'all': firing, and resolved since `since`." },
    since: timeParam('Resolved alerts changed at or after this time (default: 7 days ago).'),
    model: { type: 'string', maxLength: 256, description: 'Only alerts of this model; a model not in driftwatch.yaml and without evaluated windows or alerts is 404.' },
    limit: limit(1000, 100),
    cursor,
  },
  additionalProperties: false,
} as const

export const ComparisonQuerySchema = {
  type: 'object',
  properties: {
    from: timeParam('Windows starting at or after this time.'),
    to: timeParam('Windows starting before this time.'),
    version: { type: 'string', maxLength: 256, description: 'Only comparisons in which this version is the champion or a challenger; a version without an evaluated window is 404.' },
    metric: { type: 'string', enum: COMPARISON_METRICS, description: 'Only this metric.' },
    limit: { ...limit(5000, 1000), description: 'Windows per page.' },
    cursor,
  },
  additionalProperties: false,
} as const

export const DeadLetterQuerySchema = {
  type: 'object',
  properties: {
    from: timeParam('Dead-lettered at or after this time (default: a day before to).'),
    to: timeParam('Dead-lettered before this time (default: now).'),
    topic: { type: 'string', maxLength: 249, description: 'Only this source topic.' },
    code: { type: 'string', pattern: '^DW_[A-Z_]{1,60}$', description: 'Only this error code.' },
    model: { type: 'string', maxLength: 256, description: "Only this model ('' for dead letters without one); a model not in driftwatch.yaml and without evaluated windows, stored predictions or dead letters is 404." },
    limit: { ...limit(500, 50), description: 'Most recent dead letters listed.' },
    raw: { type: 'boolean', default: false, description: 'Add the stored key and value prefixes (base64) to the listed dead letters. Needs an admin token when the server has tokens.' },
  },
  additionalProperties: false,
} as const
