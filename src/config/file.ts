/**
 * The monitoring configuration file (driftwatch.yaml): models and ingest policy. Validated once;
 * every problem is reported with its path in the file.
 */
import { existsSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { DriftwatchError } from '../errors.js'
import { parseYamlWith, problemLines, unionBranchProblems } from '../validation-problems.js'
import { plainIssueMessage } from '../plain-issues.js'
import { CorrectionSchema, ThresholdSettingSchema } from '../metrics/drift/thresholds.js'
import { durationSchema } from '../window/duration-schema.js'
import { RESERVED_FEATURE_NAMES } from '../ingest/validate.js'
import { DEFAULT_MAX_FEATURE_NAME_LENGTH, DEFAULT_MAX_FEATURES, DEFAULT_MAX_RECORD_BYTES } from '../ingest/limits.js'
import { unsafeNameProblem } from './names.js'

/** A duration such as '1h' or '30d' (or milliseconds), validated and turned into ms. */
const duration = (min = 1, max: Parameters<typeof durationSchema>[1] = null) => durationSchema(min, max)

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A YAML value as a problem names it: `null`, `5`, `"hourly"`, `a list`, `a map with the key(s) id`. */
function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return v.length ? 'a list' : 'an empty list'
  if (isMap(v)) return Object.keys(v).length ? `a map with the key(s) ${Object.keys(v).slice(0, 5).join(', ')}` : 'an empty map'
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v)
  return String(v)
}

/**
 * The message of a value of the wrong type: `expected a list of models, got null` rather than
 * zod's `Invalid input: expected array, received null`. Other issues keep their own message.
 */
const expecting = (what: string) => ({
  error: (iss: { code?: string; input?: unknown }) => (iss.code === 'invalid_type' ? `expected ${what}, got ${describeValue(iss.input)}` : undefined),
})

/**
 * A refinement that must see every problem at once runs even when other fields failed (zod's
 * `when`), but never on a value of the wrong type (`models:` left empty is null): zod has
 * already reported that, and the refinement would read properties of null.
 */
const whenMap = { when: (payload: { value: unknown }) => isMap(payload.value) }
const whenList = { when: (payload: { value: unknown }) => Array.isArray(payload.value) }

const DAY_MS = 86_400_000
/**
 * The longest retention: TTLs count in ClickHouse's DateTime, which ends in 2106 (a TTL past it
 * wraps around to the past and expires every row as it is stored).
 */
const RETENTION_MAX = { ms: 20_000 * DAY_MS, why: "retention counts in ClickHouse's DateTime, which ends in 2106" }
/** Node's timers fire at once past 2^31 - 1 ms (about 24.8 days). */
const TIMER_MAX = { ms: 24 * DAY_MS, why: 'a timer cannot wait longer' }
/** Windows, lateness and join spans beyond a few years are mistakes (a unit left off, an extra zero). */
const SPAN_MAX = { ms: 3660 * DAY_MS, why: 'spans longer than ten years are not supported' }

const isoTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: (iss) => {
      const input = (iss as { input?: unknown }).input
      const zoneless = typeof input === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+$/.test(input)
      return `${JSON.stringify(input)} is not a time with a zone (2026-10-01T00:00:00Z, 2026-10-01T00:00:00+02:00) or a date (2026-10-01, UTC)${zoneless ? ': add Z or an offset' : ''}`
    },
  })
  .transform((s) => Date.parse(s))

/**
 * What drift is measured against: a fixed past period of stored predictions, the previous N
 * windows (rolling), or a baseline profile stored by `driftwatch baseline` (the newest one, or
 * a given profile_version).
 */
const REFERENCE_SHAPES = [
  { keys: ['from', 'to'], shape: '{ from: <time>, to: <time> }', meaning: 'a fixed period' },
  { keys: ['previousWindows'], shape: '{ previousWindows: <1 to 1000> }', meaning: 'the previous windows' },
  { keys: ['baseline'], shape: '{ baseline: latest | <profile version> }', meaning: 'a stored baseline profile' },
] as const
const REFERENCE_EXPECTED = `expected ${REFERENCE_SHAPES.map((s) => `${s.shape} for ${s.meaning}`).join(', ')}`

const ReferenceSchema = z.union(
  [
    z.strictObject({ from: isoTime, to: isoTime }).refine((r) => r.from < r.to, { message: 'from must be before to' }),
    z.strictObject({ previousWindows: z.number().int().min(1).max(1000) }),
    z.strictObject({ baseline: z.union([z.literal('latest'), z.number().int().min(1)], { error: 'baseline must be latest or a profile version (an integer >= 1)' }) }),
  ],
  {
    // The union's own message would be "Invalid input": the keys name the shape meant, so report
    // that shape's problems; with no known key, list the shapes.
    error: (iss) => {
      const input = (iss as { input?: unknown }).input
      const keys = typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input) : null
      const branch = keys === null ? -1 : REFERENCE_SHAPES.findIndex((s) => s.keys.some((k) => keys.includes(k)))
      const problems = unionBranchProblems(iss, branch)
      if (problems !== undefined) return `${problems} (expected ${REFERENCE_SHAPES[branch]!.shape})`
      return `${REFERENCE_EXPECTED}, got ${keys === null ? JSON.stringify(input) : keys.length ? `the key(s) ${keys.join(', ')}` : '{}'}`
    },
  },
)

/** A model id as driftwatch.yaml and the commands that name a model accept it. */
export const ModelIdSchema = z.string().min(1).max(256)

const ModelSchema = z.strictObject({
  id: ModelIdSchema,
  task: z.enum(['binary', 'multiclass', 'regression']).default('binary'),
  positiveClass: z.string().min(1).optional(),
  features: z.record(z.string(), z.enum(['numerical', 'categorical']), expecting('a map of feature names to numerical or categorical')).default({}),
  protected: z.array(z.string().min(1), expecting('a list of feature names')).default([]),
  /** Personal features (e.g. zip_code): stored only as HMAC-SHA256 pseudonyms, like subject_id. */
  pii: z.array(z.string().min(1), expecting('a list of feature names')).default([]),
  /** Tumbling event-time window size. */
  window: duration(1000, SPAN_MAX).default(3_600_000),
  /** How far behind the newest event time a window still counts as open. */
  allowedLateness: duration(0, SPAN_MAX).default(3_600_000),
  reference: ReferenceSchema.default({ previousWindows: 1 }),
  /**
   * Per-feature drift method and threshold, the syntax of the report's model file:
   * `income: 0.2` (default method, this threshold) or `employment: { method: psi, threshold: 0.25 }`.
   */
  thresholds: z.record(z.string(), ThresholdSettingSchema, expecting('a map of feature names to thresholds')).default({}),
  /** How a window's feature p-values are adjusted before they are compared (docs/evaluation.md). */
  correction: CorrectionSchema.default('benjamini-hochberg'),
}, expecting('a model, a map such as { id: loan-approval }')).superRefine((m, ctx) => {
  // Fairness reads labels and predictions as positive or not: binary models only. The task is
  // always known here (declared, or 'binary' by default), so protected attributes on another
  // task are a mistake to report, not a setting to ignore. Checked even when other fields of
  // the model have problems, so that every problem is listed at once.
  const { task, protected: attributes } = m as { task?: unknown; protected?: unknown }
  const named = m as { id?: unknown; positiveClass?: unknown; features?: unknown; protected?: unknown; pii?: unknown; thresholds?: unknown }
  const keys = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : [])
  const entries = (v: unknown) => (Array.isArray(v) ? v.map((x, i) => [i, x] as const) : [])
  const featureNames: [(string | number)[], string][] = []
  for (const f of ['features', 'thresholds'] as const) for (const k of keys(named[f])) featureNames.push([[f, k], k])
  for (const f of ['protected', 'pii'] as const) for (const [i, k] of entries(named[f])) if (typeof k === 'string') featureNames.push([[f, i], k])
  // A feature of a reserved name is refused in every prediction (src/ingest/validate.ts): a
  // model that names one would dead-letter all of its traffic.
  const reserved = `is a name driftwatch reserves for the prediction's own columns (${[...RESERVED_FEATURE_NAMES].join(', ')}): rename the feature`
  for (const [path, k] of featureNames) if (RESERVED_FEATURE_NAMES.has(k)) ctx.addIssue({ code: 'custom', path, message: reserved })
  // No name carries a character a terminal would obey (./names.ts).
  const names: [(string | number)[], unknown][] = [[['id'], named.id], [['positiveClass'], named.positiveClass], ...featureNames]
  for (const [path, name] of names) {
    const message = typeof name === 'string' ? unsafeNameProblem(name) : null
    if (message) ctx.addIssue({ code: 'custom', path, message })
  }
  if ((task === 'multiclass' || task === 'regression') && Array.isArray(attributes) && attributes.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['protected'],
      message: `fairness is computed for binary models only, and this model's task is ${task}: remove protected, or set task: binary`,
    })
  }
}, whenMap)

export const FileConfigSchema = z.strictObject({
  ingest: z
    .strictObject({
      /** What to do with events of a model the file does not list. */
      unknownModels: z.enum(['accept', 'reject']).default('accept'),
      /** Records larger than this many bytes are dead-lettered (DW_RECORD_TOO_LARGE). */
      maxRecordBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(DEFAULT_MAX_RECORD_BYTES),
      /** Event times later than now + this are rejected (DW_TIMESTAMP_OUT_OF_RANGE). */
      maxFutureMs: z.number().int().min(0).default(24 * 3600 * 1000),
      /** Predictions with more features than this (values and nulls) are dead-lettered (DW_TOO_MANY_FEATURES). */
      maxFeatures: z.number().int().min(1).max(100_000).default(DEFAULT_MAX_FEATURES),
      /** Predictions with a feature name longer than this many characters are dead-lettered (DW_FEATURE_NAME_TOO_LONG). */
      maxFeatureNameLength: z.number().int().min(1).max(65_536).default(DEFAULT_MAX_FEATURE_NAME_LENGTH),
    }, expecting('a map of settings'))
    .prefault({}),
  models: z
    .array(ModelSchema, expecting('a list of models'))
    // Run even when some models have other problems, so that every problem is listed at once.
    .superRefine((models, ctx) => {
      const first = new Map<string, number>()
      const reported = new Set<string>()
      for (const [i, m] of models.entries()) {
        const id = typeof m === 'object' && m !== null ? (m as { id?: unknown }).id : undefined
        if (typeof id !== 'string' || id === '') continue
        const at = first.get(id)
        if (at === undefined) first.set(id, i)
        else if (!reported.has(id)) {
          reported.add(id)
          ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `model id "${id.slice(0, 256)}" is listed twice (also models.${at})` })
        }
      }
    }, whenList)
    .default([]),
  join: z
    .strictObject({
      /** Predictions kept in the in-memory join index per consumer; older ones are looked up in ClickHouse. */
      indexSize: z.number().int().min(0).max(50_000_000).default(200_000),
      /** A label is joined to a prediction whose event time is at most this much older than the label. */
      horizon: duration(1000, SPAN_MAX).default(30 * 86_400_000),
      /** A label whose prediction has not arrived this long after the label is an orphan (DW_ORPHAN_LABEL). */
      orphanAfter: duration(1000, SPAN_MAX).default(30 * 86_400_000),
    }, expecting('a map of settings'))
    .prefault({}),
  retention: z
    .strictObject({
      /** How long events, dead letters and evaluation bookkeeping are kept (ClickHouse TTL). */
      raw: duration(86_400_000, RETENTION_MAX).default(90 * 86_400_000),
      /** How long metric rows and alert history are kept. */
      metrics: duration(86_400_000, RETENTION_MAX).default(730 * 86_400_000),
    }, expecting('a map of settings'))
    .prefault({}),
  evaluation: z
    .strictObject({
      /** How often the evaluator looks for windows to (re-)evaluate. */
      interval: duration(100, TIMER_MAX).default(10_000),
      /** Values per side fed to KS and Wasserstein (a deterministic hash subsample above this). */
      maxSampleSize: z.number().int().min(100).max(100_000).default(2000),
      /**
       * Windows one evaluator pass evaluates at most, taken round robin over the models' versions;
       * the rest are left to the next pass, which follows at once (docs/evaluation.md). Bounds how
       * long one model's backlog delays the other models' windows and the alert pass.
       */
      maxWindowsPerPass: z.number().int().min(1).max(100_000).default(50),
    }, expecting('a map of settings'))
    .prefault({}),
}, expecting('a map of sections (ingest, models, join, retention, evaluation)'))

export type FileConfig = z.infer<typeof FileConfigSchema>
export type ModelConfig = z.infer<typeof ModelSchema>

/** Settings for a model the file does not list (accepted when ingest.unknownModels is 'accept'). */
export function modelConfig(file: FileConfig, modelId: string): ModelConfig {
  return file.models.find((m) => m.id === modelId) ?? { ...DEFAULT_MODEL, id: modelId }
}

/** Defaults of an unlisted model. Its id comes from an event, so it is not re-validated here. */
const DEFAULT_MODEL: ModelConfig = ModelSchema.parse({ id: 'default' })

export const DEFAULT_FILE_CONFIG: FileConfig = FileConfigSchema.parse({})

export function parseFileConfig(text: string, fileName: string): FileConfig {
  // The YAML first (its syntax problems worded as every YAML file's), then the settings, with
  // zod's default messages in the settings' words (./plain-issues.ts).
  const yaml = parseYamlWith(z.unknown(), text, fileName)
  const parsed = yaml.ok ? FileConfigSchema.safeParse(yaml.data, { error: plainIssueMessage }) : undefined
  const problems = !yaml.ok ? yaml.problems : parsed?.success === false ? problemLines(parsed.error.issues, fileName) : []
  if (problems.length > 0) throw new DriftwatchError('DW_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, { problems })
  return parsed!.data!
}

/** Reads the file when it exists; a path that was asked for explicitly must exist. */
export function loadFileConfig(path: string | null): FileConfig {
  const file = path ?? 'driftwatch.yaml'
  if (!existsSync(file)) {
    if (path) throw new DriftwatchError('DW_CONFIG_INVALID', `configuration file ${path} does not exist`)
    return DEFAULT_FILE_CONFIG
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a directory; give the path of the YAML file' : (cause as Error).message
    throw new DriftwatchError('DW_CONFIG_INVALID', `cannot read the configuration file ${file}: ${reason}`, { cause })
  }
  return parseFileConfig(text, file)
}
