/**
 * The settings of a model that shape its stored rows, and the check of driftwatch.yaml against
 * the ones the store recorded (table model_settings, schemas/clickhouse/0019_model_settings.sql).
 * Pure: ./model-settings-guard.ts reads the store, logs and records; this decides.
 *
 * Two settings shape what is stored, and cannot change under one model id while its rows are:
 * - window: window_marks, window_state, window_summary, the metric tables and detector_checkpoints
 *   are keyed by (model, version, window_start) without the size. Windows of a new size start
 *   beside the old ones, overlap them and take over their rows and state (a daily window inherits
 *   the closed flag of the hourly one at its start, and is never evaluated at its close).
 * - pii: a pii feature's values are stored as pseudonyms (./privacy.ts). A feature taken out of
 *   pii, or a model taken out of the file (the defaults list none), would be stored in clear beside
 *   them. A feature added to pii is a warning only: its values stored until then stay in clear, and
 *   its drift against a reference of raw values means nothing until the reference is rebuilt.
 * The other model settings change how windows are evaluated, not how rows are keyed or stored:
 * allowedLateness moves when a window closes (window_state keeps whether it was), and reference,
 * thresholds, correction, task, positiveClass and protected apply from the next evaluation.
 *
 * A change is refused only while rows of the model are stored: with none, nothing can overlap or
 * sit in clear beside a pseudonym, and the new settings are recorded.
 *
 * The pseudonymization key shapes the stored rows of every model alike (subject_id, the pii
 * features), so it is checked once for the store: checkPseudonymizationKey, against the
 * fingerprint recorded in table pseudonymization_key (schemas/clickhouse/0020_pseudonymization_key.sql).
 */
import { modelConfig, type FileConfig, type ModelConfig } from '../config/file.js'
import { formatDuration } from '../window/duration.js'
import { pushAll } from '../arrays.js'
import type { KeyInUse } from './pseudonymize.js'

export interface ModelSettings {
  readonly windowMs: number
  /** Sorted, without duplicates. */
  readonly pii: readonly string[]
}

/** What the store holds of one model. */
export interface StoredModel {
  /** As recorded in model_settings; null: nothing recorded (a database from before it, or a model first seen unlisted). */
  readonly recorded: ModelSettings | null
  /** The distinct sizes of its windows in window_state. */
  readonly windowSizes: readonly number[]
  /**
   * Whether rows of it are stored (predictions, a baseline). Implied by windowSizes; looked up
   * only for the models rowLookups names, and false for the others.
   */
  readonly hasRows: boolean
}

/** The configuration file as messages name it. */
export interface ConfigSource {
  /** DRIFTWATCH_CONFIG, or driftwatch.yaml. */
  readonly path: string
  /** False when no file was found and every model gets the defaults. */
  readonly found: boolean
}

export interface SettingsWarning {
  readonly modelId: string
  readonly message: string
}

export interface SettingsCheck {
  /** Why this configuration cannot run on this store, one actionable line each; empty when it can. */
  readonly problems: readonly string[]
  readonly warnings: readonly SettingsWarning[]
  /** Settings to record (none when there are problems): those not recorded yet, or changed. */
  readonly record: readonly { readonly modelId: string; readonly settings: ModelSettings }[]
}

export function settingsOf(m: Pick<ModelConfig, 'window' | 'pii'>): ModelSettings {
  return { windowMs: m.window, pii: [...new Set(m.pii)].sort() }
}

export function sameSettings(a: ModelSettings, b: ModelSettings): boolean {
  return a.windowMs === b.windowMs && a.pii.length === b.pii.length && a.pii.every((f, i) => f === b.pii[i])
}

/**
 * The models whose stored rows must be looked up before checkModelSettings: settings recorded
 * and changed since, and no window in window_state that already says rows are stored.
 */
export function rowLookups(file: FileConfig, recorded: ReadonlyMap<string, ModelSettings>, windowSizes: ReadonlyMap<string, readonly number[]>): string[] {
  return [...recorded].filter(([id, r]) => !(windowSizes.get(id)?.length) && !sameSettings(r, settingsOf(modelConfig(file, id)))).map(([id]) => id)
}

const NOTHING_STORED: StoredModel = { recorded: null, windowSizes: [], hasRows: false }

/** `a`, `a and b`, `a, b and c` (or `or`). */
const list = (items: readonly string[], last = 'and') => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`)
const sizes = (ms: readonly number[], last?: string) => list(ms.map(formatDuration), last)
const quoted = (features: readonly string[]) => list(features.map((f) => JSON.stringify(f)))
const flowList = (features: readonly string[]) => `[${features.map((f) => JSON.stringify(f)).join(', ')}]`

/** One model: its configured settings against what is stored. */
function checkModel(id: string, index: number, c: ModelSettings, s: StoredModel, source: ConfigSource): { problems: string[]; warnings: string[] } {
  const r = s.recorded
  // Ids of unlisted models come from events: quoted, escapes and all.
  const name = JSON.stringify(id)
  const rows = s.hasRows || s.windowSizes.length > 0
  // The sizes of its stored windows: window_state's, or the recorded one while rows not yet
  // evaluated are stored (their marks carry it).
  const stored = s.windowSizes.length > 0 ? [...new Set(s.windowSizes)].sort((a, b) => a - b) : r !== null && rows ? [r.windowMs] : []
  const others = stored.filter((ms) => ms !== c.windowMs)
  // Windows of other sizes already beside the configured ones are taken as they are the first
  // time (a database from before model_settings): no setting would have them alone.
  const windowOk = others.length === 0 || (stored.includes(c.windowMs) && (r === null || r.windowMs === c.windowMs))
  const removed = r !== null && rows ? r.pii.filter((f) => !c.pii.includes(f)) : []
  const added = r !== null && rows ? c.pii.filter((f) => !r.pii.includes(f)) : []
  const oldSize = r !== null && r.windowMs !== c.windowMs ? formatDuration(r.windowMs) : sizes(others, 'or')
  const problems: string[] = []
  const warnings: string[] = []
  if (index >= 0) {
    const at = `${source.path}: models.${index}`
    if (!windowOk) {
      problems.push(
        `${at}.window: ${formatDuration(c.windowMs)} for model ${name}, but its stored windows are ${sizes(stored)}, and windows of two sizes cannot share a model id: ` +
          `set window: ${oldSize} again, or send the model's events under a new model id to monitor them in ${formatDuration(c.windowMs)} windows`,
      )
    }
    if (removed.length > 0) {
      problems.push(
        `${at}.pii: model ${name} no longer lists ${quoted(removed)}, whose stored values are pseudonyms, and its new values would be stored in clear beside them: ` +
          `add ${removed.length > 1 ? 'them' : 'it'} to pii again, or send the model's events under a new model id`,
      )
    }
    // Said once, when the size is first recorded.
    if (windowOk && others.length > 0 && r === null) {
      warnings.push(`${at}.window: model ${name} has stored windows of ${sizes(others)} beside its ${formatDuration(c.windowMs)} ones, from an earlier window setting: they stay as they were evaluated, and ${formatDuration(c.windowMs)} is recorded as its window`)
    }
    for (const f of added) {
      warnings.push(
        `${at}.pii: ${JSON.stringify(f)} of model ${name} is new in pii: its values stored until now stay in clear, and drift of ${JSON.stringify(f)} ` +
          'against a reference of raw values is not meaningful until the reference is rebuilt from pseudonymized values (a new baseline, or a period after this change)',
      )
    }
    return { problems, warnings }
  }
  // Not listed: the defaults apply. One line, the settings to list it with again.
  const stands = [...(windowOk ? [] : [`its stored windows are ${sizes(stored)}`]), ...(removed.length > 0 ? [`its stored values of ${quoted(removed)} are pseudonyms`] : [])]
  if (stands.length > 0) {
    const why = [...(windowOk ? [] : ['windows of two sizes cannot share a model id']), ...(removed.length > 0 ? ['its pii values would be stored in clear beside pseudonyms'] : [])].join(', and ')
    const defaults = `the defaults apply (window ${formatDuration(c.windowMs)}, no pii)`
    const settings = [...(windowOk ? [] : [`window: ${oldSize}`]), ...(removed.length > 0 ? [`pii: ${flowList(r!.pii)}`] : [])].join(', ')
    problems.push(
      source.found
        ? `${source.path}: models: model ${name} is not listed, so ${defaults}, but ${stands.join(' and ')}, and ${why}: list it again with ${settings}`
        : `${source.path}: not found, so ${defaults} to model ${name}, but ${stands.join(' and ')}, and ${why}: run this where the service's configuration file is, or set DRIFTWATCH_CONFIG to it`,
    )
  } else if (others.length > 0 && r === null) {
    warnings.push(`${source.path}: models: model ${name} (not listed: window ${formatDuration(c.windowMs)}) has stored windows of ${sizes(others)} beside its ${formatDuration(c.windowMs)} ones, from an earlier window setting: they stay as they were evaluated`)
  }
  return { problems, warnings }
}

/**
 * driftwatch.yaml against the store, for every model it lists and every model stored. A model
 * not listed is checked with the defaults it gets (modelConfig). With no problem, the settings to
 * record are the configured ones of every model whose recorded settings are missing or differ.
 */
export function checkModelSettings(file: FileConfig, stored: ReadonlyMap<string, StoredModel>, source: ConfigSource): SettingsCheck {
  const listed = file.models.map((m) => m.id)
  const ids = [...listed, ...[...stored.keys()].filter((id) => !listed.includes(id)).sort()]
  const problems: string[] = []
  const warnings: SettingsWarning[] = []
  const record: { modelId: string; settings: ModelSettings }[] = []
  for (const id of ids) {
    const s = stored.get(id) ?? NOTHING_STORED
    const c = settingsOf(modelConfig(file, id))
    const found = checkModel(id, listed.indexOf(id), c, s, source)
    pushAll(problems, found.problems)
    pushAll(warnings, found.warnings.map((message) => ({ modelId: id, message })))
    if (s.recorded === null || !sameSettings(s.recorded, c)) record.push({ modelId: id, settings: c })
  }
  return { problems, warnings, record: problems.length > 0 ? [] : record }
}

/** What the store holds of the pseudonymization key (table pseudonymization_key). */
export interface StoredKey {
  /** The newest fingerprint recorded; null: none (a fresh database, or one from before the record). */
  readonly recorded: string | null
  /**
   * Whether pseudonyms are stored: a prediction with a subject id, or a prediction or baseline of
   * a model with pii features. Looked up only when `recorded` differs from the key in use.
   */
  readonly pseudonymsStored: boolean
}

export interface KeyCheck {
  /** Why this key cannot run on this store, one actionable line; null when it can. */
  readonly problem: string | null
  /** Whether to record the key in use: none recorded yet, or another one with no pseudonym stored. */
  readonly record: boolean
}

/** Enough of a fingerprint to tell keys apart in a message. */
const shortFingerprint = (fingerprint: string) => fingerprint.slice(0, 12)

/** Names the key in use: the variable, or the embedded key file it falls back to. */
const keyNamed = (key: KeyInUse) => (key.keyFile === null ? 'DRIFTWATCH_PSEUDONYMIZATION_KEY: the key' : `DRIFTWATCH_PSEUDONYMIZATION_KEY: not set, so the key in ${key.keyFile} applies, and it`)

/**
 * The key in use against the one recorded. subject_id and the pii features are stored as HMACs
 * under the key (./privacy.ts): pseudonyms made under another key no longer join, erase or compare
 * with the stored ones, so another key is refused while pseudonyms are stored. With none stored
 * it is recorded; with none recorded (a database from before the record) the key in use is taken
 * as the one of the stored rows, which nothing stored can tell apart.
 */
export function checkPseudonymizationKey(key: KeyInUse, stored: StoredKey, database: string): KeyCheck {
  if (stored.recorded === key.fingerprint) return { problem: null, record: false }
  if (stored.recorded === null || !stored.pseudonymsStored) return { problem: null, record: true }
  const restore =
    key.keyFile === null
      ? 'set DRIFTWATCH_PSEUDONYMIZATION_KEY (or DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE) to the key that pseudonymized the stored rows'
      : `restore ${key.keyFile} (or set DRIFTWATCH_PSEUDONYMIZATION_KEY to the key that pseudonymized the stored rows)`
  return {
    problem:
      `${keyNamed(key)} differs from the one that pseudonymized the subject ids and pii values stored in database ${database} ` +
      `(fingerprint ${shortFingerprint(stored.recorded)}, this key's ${shortFingerprint(key.fingerprint)}), and pseudonyms under two keys no longer join, erase or compare: ` +
      `${restore}, or use a new database (CLICKHOUSE_DATABASE) for the new key`,
    record: false,
  }
}

/**
 * After recording the key in use, the keys recorded since the newest one read before include
 * another: a start beside this one recorded its own key at the same time (two instances, two
 * keys, one database without pseudonyms yet).
 */
export function concurrentKeyProblem(key: KeyInUse, recordedSince: readonly string[], database: string): string | null {
  const other = recordedSince.filter((f) => f !== key.fingerprint).sort()[0]
  if (other === undefined) return null
  return (
    `${keyNamed(key)} differs from the one another start recorded for database ${database} at the same time ` +
    `(fingerprint ${shortFingerprint(other)}, this key's ${shortFingerprint(key.fingerprint)}), and every instance on one database must pseudonymize with one key: ` +
    'set the same DRIFTWATCH_PSEUDONYMIZATION_KEY (or DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE) on all of them'
  )
}
