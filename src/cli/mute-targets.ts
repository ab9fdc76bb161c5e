/**
 * What `driftwatch alerts mute` may name. A silence of a rule or model that does not exist (a
 * typo) mutes nothing while the operator believes the alert silenced, so an unknown one is refused
 * (DW_CONFIG_INVALID, exit 2) with the closest known names.
 *
 * - A rule is known when the rule directory `start` loads defines it (src/alerts/load-rules.ts:
 *   DRIFTWATCH_ALERT_RULES, else ./alerts, else the bundled rules), or when a stored alert came
 *   from it (a rule of an instance whose rule directory this host does not see).
 * - A model is known when driftwatch.yaml lists it, or when it has evaluated windows or stored
 *   predictions (a model accepted with `ingest.unknownModels: accept`).
 * The local names are read before the store is opened; the store is asked only for a name they
 * lack.
 *
 * The check runs in the process that holds the store, with its own rule directory and
 * driftwatch.yaml: `alerts mute` on a store it opened, or, while `driftwatch start` holds an
 * embedded data directory, that instance (POST /v1/alerts/silences through silenceWrites), whose
 * rule directory is the one `start` loads. With the same environment both give the same answer
 * in the same words.
 */
import { loadRules, rulesDirectory } from '../alerts/load-rules.js'
import { addSilence, endMatchingSilences, type NewSilence, type Silence, type SilenceWrites } from '../alerts/silences.js'
import type { RuntimeConfig } from '../config/env.js'
import { loadFileConfig, type FileConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import type { Store } from '../store/clickhouse.js'
import { queryRows } from '../store/query.js'

export interface MuteTargets {
  readonly rule?: string | undefined
  readonly model?: string | undefined
}

/** The names this host knows without the store, and where they came from (for the message). */
export interface LocalNames {
  readonly rules: readonly string[]
  readonly rulesDir: string
  readonly models: readonly string[]
  readonly configFile: string
}

/**
 * Reads the rule directory only when a rule is named, driftwatch.yaml only when a model is (`file`:
 * as the command checked it with the environment, ./configuration.ts).
 */
export function localNames(config: RuntimeConfig, o: MuteTargets, file?: FileConfig): LocalNames {
  const rulesDir = o.rule ? rulesDirectory(config.alerts.rulesDir) : ''
  return {
    rules: o.rule ? loadRules(rulesDir).rules.map((r) => r.name) : [],
    rulesDir,
    models: o.model ? (file ?? loadFileConfig(config.configFile)).models.map((m) => m.id) : [],
    configFile: config.configFile ?? 'driftwatch.yaml',
  }
}

/** The rule and model a silence names ('' is any: no check). */
export const targetsOf = (s: Pick<NewSilence, 'rule' | 'modelId'>): MuteTargets => ({ rule: s.rule || undefined, model: s.modelId || undefined })

/** Stores `s` once its rule and model are known (assertKnownTargets with `local`); nothing is stored otherwise. */
export async function addKnownSilence(store: Store, s: NewSilence, local: LocalNames, nowMs: number): Promise<Silence> {
  await assertKnownTargets(store, targetsOf(s), local)
  return addSilence(store, s, nowMs)
}

/**
 * The silence writes of the process that holds `store`, checked against its rule directory and
 * `file` (driftwatch.yaml as it checked it; default: read at each mute naming a model), or against
 * `names` when they were read already.
 */
export function silenceWrites(store: Store, config: RuntimeConfig, file?: FileConfig, names?: LocalNames): SilenceWrites {
  return {
    mute: (s, nowMs) => addKnownSilence(store, s, names ?? localNames(config, targetsOf(s), file), nowMs),
    unmute: (match, nowMs) => endMatchingSilences(store, match, nowMs),
  }
}

/** Names the store knows, listed in a refusal (at most this many of each are read). */
const STORED_NAMES_MAX = 1000
/** Known names a refusal shows, the closest to the one given first. */
const SHOWN_MAX = 5

const exists = async (store: Store, sql: string, name: string) => (await queryRows(store, sql, { name }, 'alerts query')).length > 0

async function storedNames(store: Store, sql: string): Promise<string[]> {
  return (await queryRows<{ name: string }>(store, sql, { max: STORED_NAMES_MAX }, 'alerts query')).map((r) => r.name)
}

/** Throws DW_CONFIG_INVALID (context `path`: 'rule' or 'model') for a rule or model neither this host nor the store knows. */
export async function assertKnownTargets(store: Store, o: MuteTargets, local: LocalNames): Promise<void> {
  if (o.rule && !local.rules.includes(o.rule) && !(await exists(store, 'SELECT 1 FROM {db}.alerts WHERE rule = {name:String} LIMIT 1', o.rule))) {
    const stored = await storedNames(store, "SELECT DISTINCT rule AS name FROM {db}.alerts WHERE rule != '' LIMIT {max:UInt32}")
    throw new DriftwatchError(
      'DW_CONFIG_INVALID',
      `unknown rule "${o.rule.slice(0, 256)}": not in the alert rules of ${local.rulesDir}, and no stored alert came from it, so a silence would mute nothing; ` +
        `${known('rules', o.rule, [...local.rules, ...stored])}; if \`start\` reads another rule directory, set DRIFTWATCH_ALERT_RULES to it here`,
      { path: 'rule' },
    )
  }
  if (
    o.model &&
    !local.models.includes(o.model) &&
    !(await exists(store, 'SELECT 1 FROM {db}.alerts WHERE model_id = {name:String} LIMIT 1', o.model)) &&
    !(await exists(store, 'SELECT 1 FROM {db}.window_summary WHERE model_id = {name:String} LIMIT 1', o.model)) &&
    !(await exists(store, 'SELECT 1 FROM {db}.predictions WHERE model_id = {name:String} LIMIT 1', o.model))
  ) {
    const stored = await storedNames(store, 'SELECT DISTINCT model_id AS name FROM {db}.window_summary LIMIT {max:UInt32}')
    throw new DriftwatchError(
      'DW_CONFIG_INVALID',
      `unknown model "${o.model.slice(0, 256)}": ${local.configFile} does not list it and no prediction, evaluated window or alert has it, so a silence would mute nothing; ${known('models', o.model, [...local.models, ...stored])}`,
      { path: 'model' },
    )
  }
}

/** `known rules (12): a, b, c, d, e, …`, the closest to `given` first; or `no rules are known`. */
export function known(what: string, given: string, names: readonly string[]): string {
  const unique = [...new Set(names)]
  if (unique.length === 0) return `no ${what} are known`
  const shown = unique
    .map((name) => ({ name, d: editDistance(given, name) }))
    .sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, SHOWN_MAX)
    .map((n) => n.name)
  return `known ${what} (${unique.length}): ${shown.join(', ')}${unique.length > SHOWN_MAX ? ', …' : ''}`
}

/** Levenshtein distance (insertions, deletions, substitutions), names cut at 256 characters. */
export function editDistance(a: string, b: string): number {
  const s = a.slice(0, 256)
  const t = b.slice(0, 256)
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const row = [i]
    for (let j = 1; j <= t.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[t.length]!
}
