/**
 * `driftwatch baseline --model <id> --file <train.csv|train.jsonl> [--format csv|jsonl]
 *  [--label c] [--prediction c] [--score c] [--exclude a,b]`
 *
 * The format is the flag's, else the extension's (.csv, .jsonl, .ndjson; any other needs
 * --format), as for `driftwatch backfill`. A target column named explicitly must be in the file;
 * one left at its default name may be absent.
 *
 * Profiles a reference file (src/evaluate/baseline-profile.ts: features, kinds, targets and a
 * deterministic sample of evaluation.maxSampleSize values) and stores the profile in ClickHouse
 * (table reference_profiles), opened as `recompute` and `erase` open it (./maintenance-store.ts):
 * migrated, and driftwatch.yaml and the pseudonymization key checked against what the store
 * recorded (src/store/model-settings-guard.ts), since a profile's pii values are pseudonyms under
 * that key and that pii list. A model whose driftwatch.yaml entry says
 * `reference: { baseline: latest }` is then evaluated against the newest stored profile.
 * Exit codes: 0 stored; 2 bad file or usage (DW_FILE_NOT_FOUND, DW_FILE_INVALID,
 * DW_CONFIG_INVALID); 1 anything else (ClickHouse unreachable).
 */
import { basename } from 'node:path'
import type { RuntimeConfig } from '../config/env.js'
import { labelFormat } from '../backfill/format.js'
import { loadFileConfig, modelConfig, ModelIdSchema, type FileConfig } from '../config/file.js'
import { unsafeNameProblem } from '../config/names.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import { baselineProfile, csvBaselineTable, jsonlBaselineTable, privateBaselineTable } from '../evaluate/baseline-profile.js'
import { saveProfile } from '../evaluate/profiles.js'
import type { ReferenceProfile } from '../metrics/profile/index.js'
import { DEFAULT_TARGETS } from '../report/index.js'
import { openStore } from '../store/clickhouse.js'
import { privacyFor, type Privacy } from '../store/privacy.js'
import { EXIT } from './command.js'
import { readTextFile } from './files.js'
import { openForMaintenance } from './maintenance-store.js'
import { failureText } from './one-line.js'
import { parseCsv } from './report.js'
import { linesTo } from './output.js'

export interface BaselineFlags {
  readonly model: string
  readonly file: string
  readonly format?: 'csv' | 'jsonl'
  readonly label?: string
  readonly prediction?: string
  readonly score?: string
  readonly exclude?: string
}

export interface BaselineDeps {
  readonly out?: (line: string) => void
  readonly err?: (line: string) => void
  readonly now?: () => number
  /** The privacy step; default: the deployment's (its key and driftwatch.yaml's pii lists). */
  readonly privacy?: Privacy
  /** Stores the profile and returns its version; default: ClickHouse from the environment. */
  readonly save?: (modelId: string, profile: ReferenceProfile, source: string, nowMs: number) => Promise<number>
  /** driftwatch.yaml as the command checked it with the environment (./configuration.ts); default: read here. */
  readonly file?: FileConfig
}

const USAGE_ERRORS = new Set(['DW_FILE_NOT_FOUND', 'DW_FILE_INVALID', 'DW_CONFIG_INVALID'])

const TARGET_FLAGS = ['label', 'prediction', 'score'] as const

/**
 * A target column named on the command line that the file lacks: a typo would otherwise profile
 * the real column as a feature and store no targets. A flag left out takes its default name,
 * which the file may lack (a file without labels); a flag given, even with the default name, must
 * name a column of the file.
 */
export function missingTargetProblem(flags: Pick<BaselineFlags, (typeof TARGET_FLAGS)[number]>, columns: readonly string[], file: string): string | null {
  const missing = TARGET_FLAGS.filter((t) => flags[t] !== undefined && !columns.includes(flags[t]))
  if (missing.length === 0) return null
  return `${missing.map((t) => `--${t} "${flags[t]}"`).join(', ')}: no such column in ${file}; its columns: ${shownColumns(columns)}`
}

const shownColumns = (columns: readonly string[]) => (columns.slice(0, 20).join(', ') + (columns.length > 20 ? ` (and ${columns.length - 20} more)` : '')) || 'none'

/** Refused before it stores when driftwatch.yaml or the key contradict the store (DW_CONFIG_INVALID, exit 2). */
function storeSaver(config: RuntimeConfig, file: FileConfig, err: (line: string) => void): NonNullable<BaselineDeps['save']> {
  return async (modelId, profile, source, nowMs) => {
    const store = await openForMaintenance(config, openStore, { file, logger: { warn: (_, message) => err(`warning: ${message}`) } })
    try {
      return await saveProfile(store, modelId, profile, source, nowMs)
    } finally {
      await store.close()
    }
  }
}

export async function runBaseline(config: RuntimeConfig, flags: BaselineFlags, deps: BaselineDeps = {}): Promise<number> {
  const out = deps.out ?? linesTo(process.stdout)
  const err = deps.err ?? linesTo(process.stderr)
  try {
    if (!ModelIdSchema.safeParse(flags.model).success) {
      throw new DriftwatchError('DW_CONFIG_INVALID', `--model must be a model id of 1 to 256 characters, as in driftwatch.yaml, got ${flags.model === '' ? 'an empty one' : `${flags.model.length} characters`}`)
    }
    // The rule of driftwatch.yaml's ids (src/config/names.ts): the id is printed below, and a model
    // driftwatch.yaml cannot list can never be evaluated against a baseline.
    const unsafe = unsafeNameProblem(flags.model)
    if (unsafe) throw new DriftwatchError('DW_CONFIG_INVALID', `--model ${unsafe}`)
    const file = deps.file ?? loadFileConfig(config.configFile)
    // A model the stream would refuse (ingest.unknownModels: reject) has no use for a baseline: a typo.
    if (file.ingest.unknownModels === 'reject' && !file.models.some((m) => m.id === flags.model)) {
      const known = file.models.map((m) => m.id)
      throw new DriftwatchError(
        'DW_CONFIG_INVALID',
        `--model "${flags.model}" is not a model of ${config.configFile ?? 'driftwatch.yaml'}, which refuses unlisted models (ingest.unknownModels: reject); its models: ${known.slice(0, 20).join(', ') || 'none'}${known.length > 20 ? ` (and ${known.length - 20} more)` : ''}`,
      )
    }
    const model = modelConfig(file, flags.model)
    const text = readTextFile(flags.file, 'reference file', 'CSV with a header row, or JSON lines')
    // Chosen as `driftwatch backfill` chooses: the flag, else the extension (none: refused).
    const format = labelFormat(flags.file, flags.format)
    const options = {
      model,
      targets: { label: flags.label ?? DEFAULT_TARGETS.label, prediction: flags.prediction ?? DEFAULT_TARGETS.prediction, score: flags.score ?? DEFAULT_TARGETS.score },
      exclude: (flags.exclude ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0),
      sampleSize: file.evaluation.maxSampleSize,
    }
    const parsed = format === 'jsonl' ? jsonlBaselineTable(text, flags.file) : csvBaselineTable(parseCsv(text, flags.file), options)
    const missing = missingTargetProblem(flags, parsed.columns, flags.file)
    if (missing) throw new DriftwatchError('DW_FILE_INVALID', missing, { path: flags.file })
    // As `driftwatch report --exclude`: a name the file lacks is a typo, and the column it meant would be profiled as a feature.
    const unknown = options.exclude.filter((c) => !parsed.columns.includes(c))
    if (unknown.length > 0) throw new DriftwatchError('DW_CONFIG_INVALID', `--exclude: no column ${unknown.map((c) => `"${c}"`).join(', ')} in ${flags.file}; its columns: ${shownColumns(parsed.columns)}`)
    // The stream's privacy step: pii features are profiled as the pseudonyms the stream stores.
    const table = privateBaselineTable(parsed, deps.privacy ?? privacyFor(config, file), flags.model)
    // Configured kinds aside, a pii feature is categorical: the stream stores its pseudonyms as text.
    const configured = Object.keys(model.features).length > 0
    const piiKinds = configured ? Object.fromEntries(model.pii.filter((f) => f in model.features).map((f) => [f, 'categorical' as const])) : {}
    const { profile, leftOut } = baselineProfile(table, { ...options, model: { ...model, features: { ...model.features, ...piiKinds } } })
    const version = await (deps.save ?? storeSaver(config, file, err))(flags.model, profile, basename(flags.file), (deps.now ?? Date.now)())
    const kinds = Object.values(profile.features).map((f) => f.kind)
    out(
      `stored baseline profile ${version} for model '${flags.model}': ${profile.rows} rows, ${kinds.length} features ` +
        `(${kinds.filter((k) => k === 'numerical').length} numerical, ${kinds.filter((k) => k === 'categorical').length} categorical)` +
        `${profile.targets.label ? ', labels' : ''}${profile.targets.score ? ', scores' : ''}`,
    )
    const left = leftOut.nonFiniteFeature + leftOut.refusedScore
    if (left > 0) {
      const reasons = [
        ...(leftOut.nonFiniteFeature > 0 ? [`${leftOut.nonFiniteFeature} with an infinite feature value`] : []),
        ...(leftOut.refusedScore > 0 ? [`${leftOut.refusedScore} whose "${options.targets.score}" is no probability in [0, 1] (text, infinite or out of range)`] : []),
      ]
      out(`note: ${left} of ${table.rows.length} rows left out: ${reasons.join(', ')}; the stream dead-letters such an event`)
    }
    if (!('baseline' in model.reference)) out(`note: model '${flags.model}' is not evaluated against it until its driftwatch.yaml entry says reference: { baseline: latest }`)
    return EXIT.ok
  } catch (e) {
    if (isDriftwatchError(e) && USAGE_ERRORS.has(e.code)) {
      err(`driftwatch: ${e.code}: ${failureText(e)}`)
      return EXIT.config
    }
    throw e
  }
}
