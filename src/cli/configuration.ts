/**
 * The configuration a command runs with, checked as a whole: the environment (every variable, and
 * for `start` the checks it makes before it starts anything) and driftwatch.yaml. Each problem is
 * one line, `<where>: <path>: <reason>` (`environment: KAFKA_BROKERS: ...`,
 * `driftwatch.yaml: models.0.window: ...`, `alert rules: ...`). `driftwatch config validate`
 * (./config.ts) prints them; every other command refuses them before it starts anything, all of
 * them in one DW_CONFIG_INVALID (exit 2): a user fixing a setup sees the problems of the
 * environment and of the file in one run, not the file's only once the environment is right.
 */
import { existsSync } from 'node:fs'
import { BUNDLED_RULES_DIR, loadRules, rulesDirectory } from '../alerts/load-rules.js'
import { parseAlertChannelsEnv, type AlertChannelsConfig } from '../config/alerts-env.js'
import { loadRuntimeConfig, type RuntimeConfig } from '../config/env.js'
import { DEFAULT_FILE_CONFIG, parseFileConfig, type FileConfig } from '../config/file.js'
import { unsetEmpty } from '../config/unset-empty.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import { httpSecurity } from '../http/security-policy.js'
import { resolvePseudonymizationKey } from '../store/pseudonymize.js'
import { dataDirError, dataDirProblem } from './data-dir.js'
import { readTextFile } from './files.js'
import { oneLine } from './one-line.js'
import { pushAll } from '../arrays.js'

/** How the configuration file is found and read (tests give files of their own). */
export interface ConfigFileIo {
  readonly exists: (path: string) => boolean
  readonly readFile: (path: string) => string
}

export const nodeFileIo: ConfigFileIo = {
  exists: existsSync,
  readFile: (path) => readTextFile(path, 'configuration file', 'YAML'),
}

type Env = Readonly<Record<string, string | undefined>>

/** DriftwatchError problems as lines; an error without a list is one line. Anything else is a bug. */
function problemsOf(e: unknown, prefix: string): string[] {
  if (!isDriftwatchError(e)) throw e
  const listed = Array.isArray(e.context['problems']) ? (e.context['problems'] as string[]) : []
  // A message without a list (`invalid alert rules:\n  X: reason`) is its one problem, on one line;
  // so is one whose single listed problem it words in full, with what to do (`X: required ...;
  // set it or ...`).
  const message = oneLine(e.message).replace(/^invalid [^:]+: /, '')
  const lines = listed.length === 0 || (listed.length === 1 && message.startsWith(listed[0]!)) ? [message] : listed
  return lines.map((line) => (line.startsWith(prefix) ? line : `${prefix}${line}`))
}

/** What was checked of the alert rules: the directory start reads and how many rules it holds; null with alerts off. */
export interface RulesChecked {
  readonly dir: string
  readonly bundled: boolean
  readonly rules: number
}

/** The parts of `driftwatch start` that run (its --role, ./start.ts): which of its checks apply. */
export interface StartParts {
  readonly http: boolean
  readonly alerts: boolean
  /** The --role itself; default all. */
  readonly role?: string
}

/** Every part (`start --role all`): what `config validate` checks for. */
export const EVERY_PART: StartParts = { http: true, alerts: true }

/** Why `driftwatch start --role <role>` cannot run with this environment, or null. */
export function roleProblem(role: string, config: Pick<RuntimeConfig, 'kafka' | 'clickhouse'>): string | null {
  if (role === 'all' || (config.kafka && config.clickhouse.url)) return null
  return `--role ${role} needs KAFKA_BROKERS and CLICKHOUSE_URL: the embedded source and chDB's data directory belong to one process, so without them every role runs in one (--role all)`
}

/** What a command checks beyond the variables themselves and the data folder. */
export interface EnvironmentChecks {
  /** The checks `driftwatch start` running these parts makes before it starts anything. */
  readonly start?: StartParts
  /** The pseudonymization key a command turns subject ids with (erase): required in Kafka mode. */
  readonly pseudonymizationKey?: boolean
}

export interface EnvironmentCheck {
  readonly config: RuntimeConfig | null
  readonly problems: string[]
  /** The alert rules `start` would load; null when not checked. */
  readonly rules: RulesChecked | null
  /** Why DRIFTWATCH_DATA_DIR cannot be the data folder (also one of `problems`), or null. */
  readonly dataDir: string | null
}

export function validateEnvironment(env: Env, checks: EnvironmentChecks = {}): EnvironmentCheck {
  let config: RuntimeConfig
  try {
    config = loadRuntimeConfig(env)
  } catch (e) {
    // The rules are read from the alert variables alone: with those valid, a bad rule file is
    // listed beside another variable's problem rather than on the run after it is fixed.
    const problems = problemsOf(e, 'environment: ')
    const alerts = parseAlertChannelsEnv(env).config
    if (alerts) checkRules(alerts, checks.start, problems)
    return { config: null, problems, rules: null, dataDir: null }
  }
  const problems: string[] = []
  const check = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      pushAll(problems, problemsOf(e, 'environment: '))
    }
  }
  const start = checks.start
  const role = start?.role === undefined ? null : roleProblem(start.role, config)
  if (role) problems.push(role)
  const servesHttp = start !== undefined && start.http && config.http.enabled
  if (servesHttp) check(() => httpSecurity(config))
  // In Kafka mode the key check has no side effect (embedded mode creates a key when none is set).
  if ((start !== undefined || checks.pseudonymizationKey) && config.kafka) check(() => resolvePseudonymizationKey(config.pseudonymizationKey, true, config.clickhouse.dataDir))
  // Start writes there unless it needs no chDB, no generated key and no instance file (the HTTP
  // API's); every other command asks only that it is a folder or can be one.
  const writesDataDir = start !== undefined && (!config.clickhouse.url || (!config.kafka && !config.pseudonymizationKey) || servesHttp)
  const dataDir = dataDirProblem(config.clickhouse.dataDir, { writable: writesDataDir })
  if (dataDir) problems.push(`environment: DRIFTWATCH_DATA_DIR: ${dataDir}`)
  const rules = checkRules(config.alerts, start, problems)
  return { config, problems, rules, dataDir }
}

/** The rules start loads (alerts on): a missing DRIFTWATCH_ALERT_RULES directory, a bad rule file; their problems go to `problems`. */
function checkRules(alerts: Pick<AlertChannelsConfig, 'enabled' | 'rulesDir'>, start: StartParts | undefined, problems: string[]): RulesChecked | null {
  if (!start?.alerts || !alerts.enabled) return null
  try {
    const dir = rulesDirectory(alerts.rulesDir)
    return { dir, bundled: dir === BUNDLED_RULES_DIR, rules: loadRules(dir).rules.length }
  } catch (e) {
    const fsError = e as NodeJS.ErrnoException
    pushAll(problems, isDriftwatchError(e) || typeof fsError.code !== 'string' ? problemsOf(e, 'alert rules: ') : [`alert rules: ${fsError.message}`])
    return null
  }
}

/**
 * The configuration file as every command finds it: `flag` (config validate's --file), else
 * DRIFTWATCH_CONFIG (an empty one is unset, src/config/unset-empty.ts), else ./driftwatch.yaml
 * when present; null: none, the built-in defaults apply.
 */
export function configFilePath(env: Env, flag: string | undefined, io: Pick<ConfigFileIo, 'exists'>): string | null {
  return flag ?? unsetEmpty(env)['DRIFTWATCH_CONFIG'] ?? (io.exists('driftwatch.yaml') ? 'driftwatch.yaml' : null)
}

export function validateFile(path: string, io: ConfigFileIo): { file: FileConfig | null; problems: string[] } {
  if (!io.exists(path)) return { file: null, problems: [`${path}: (file): does not exist`] }
  try {
    return { file: parseFileConfig(io.readFile(path), path), problems: [] }
  } catch (e) {
    return { file: null, problems: problemsOf(e, `${path}: `) }
  }
}

export interface ConfigurationOptions extends EnvironmentChecks {
  /**
   * 'sometimes': the command reads driftwatch.yaml on some paths only (status, when no `start`
   * runs). The file's problems are refused with the environment's, as the next run could meet
   * them; with a valid environment, only when the file is read (`file()`).
   */
  readonly fileRead?: 'always' | 'sometimes'
}

export interface Configuration {
  readonly config: RuntimeConfig
  /** driftwatch.yaml, or the built-in defaults without one. */
  readonly file: () => FileConfig
}

/**
 * The environment and driftwatch.yaml, both checked before either is reported. Throws one
 * DW_CONFIG_INVALID, `invalid configuration:` and every problem on a line of its own as `config
 * validate` prints it. A data folder that is a file, alone, stays the DW_FILE_UNWRITABLE every
 * command gives (./data-dir.ts).
 */
export function loadConfiguration(env: Env, o: ConfigurationOptions = {}, io: ConfigFileIo = nodeFileIo): Configuration {
  const environment = validateEnvironment(env, o)
  const path = configFilePath(env, undefined, io)
  const { file, problems: fileProblems } = path ? validateFile(path, io) : { file: DEFAULT_FILE_CONFIG, problems: [] }
  const refusal = (problems: string[]) => {
    if (problems.length === 1 && environment.dataDir !== null && environment.config !== null) return dataDirError(environment.config.clickhouse.dataDir, environment.dataDir)
    return new DriftwatchError('DW_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, { problems })
  }
  if (environment.config === null || environment.problems.length > 0 || (fileProblems.length > 0 && o.fileRead !== 'sometimes')) {
    throw refusal([...environment.problems, ...fileProblems])
  }
  const fileRefused = fileProblems.length > 0 ? refusal(fileProblems) : null
  return {
    config: environment.config,
    file: () => {
      if (fileRefused) throw fileRefused
      return file ?? DEFAULT_FILE_CONFIG
    },
  }
}
