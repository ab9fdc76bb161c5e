/**
 * `driftwatch config validate [--file driftwatch.yaml]`: checks the environment (every variable
 * `start` reads, the HTTP API's token policy, the data folder and the alert rules it loads) and the
 * monitoring file, and prints every
 * problem as `<where>: <path>: <reason>`. Exit 0 when both are valid, 2 otherwise. Connects to
 * nothing. The file is --file, else DRIFTWATCH_CONFIG, else ./driftwatch.yaml when present.
 *
 * `driftwatch config schema`: prints the JSON Schema of driftwatch.yaml (schemas/driftwatch.schema.json).
 */
import { existsSync } from 'node:fs'
import { BUNDLED_RULES_DIR, loadRules, rulesDirectory } from '../alerts/load-rules.js'
import { loadRuntimeConfig, type RuntimeConfig } from '../config/env.js'
import { parseFileConfig, type FileConfig } from '../config/file.js'
import { unsetEmpty } from '../config/unset-empty.js'
import { redactedUrl } from '../config/redact.js'
import { isDriftwatchError } from '../errors.js'
import { httpSecurity } from '../http/security-policy.js'
import { resolvePseudonymizationKey } from '../store/pseudonymize.js'
import { EXIT } from './command.js'
import { dataDirProblem } from './data-dir.js'
import { readTextFile } from './files.js'
import { oneLine } from './one-line.js'
import { pushAll } from '../arrays.js'

export interface ConfigIo {
  readonly exists: (path: string) => boolean
  readonly readFile: (path: string) => string
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

const nodeIo: ConfigIo = {
  exists: existsSync,
  readFile: (path) => readTextFile(path, 'configuration file', 'YAML'),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

type Env = Readonly<Record<string, string | undefined>>

/** DriftwatchError problems as lines; an error without a list is one line. Anything else is a bug. */
function problemsOf(e: unknown, prefix: string): string[] {
  if (!isDriftwatchError(e)) throw e
  const listed = e.context['problems']
  // A message without a list (`invalid alert rules:\n  X: reason`) is its one problem, on one line.
  const lines = Array.isArray(listed) && listed.length > 0 ? (listed as string[]) : [oneLine(e.message).replace(/^invalid [^:]+: /, '')]
  return lines.map((line) => (line.startsWith(prefix) ? line : `${prefix}${line}`))
}

/** What was checked of the alert rules: the directory start reads and how many rules it holds; null with alerts off. */
export interface RulesChecked {
  readonly dir: string
  readonly bundled: boolean
  readonly rules: number
}

export function validateEnvironment(env: Env): { config: RuntimeConfig | null; problems: string[]; rules?: RulesChecked | null } {
  let config: RuntimeConfig
  try {
    config = loadRuntimeConfig(env)
  } catch (e) {
    return { config: null, problems: problemsOf(e, 'environment: ') }
  }
  // The checks `start` makes before it starts anything; in Kafka mode the key check has no side effect.
  const problems: string[] = []
  const check = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      pushAll(problems, problemsOf(e, 'environment: '))
    }
  }
  if (config.http.enabled) check(() => httpSecurity(config))
  if (config.kafka) check(() => resolvePseudonymizationKey(config.pseudonymizationKey, true, config.clickhouse.dataDir))
  // Start writes there unless it needs no chDB, no generated key and no instance file (the HTTP API's).
  const writesDataDir = !config.clickhouse.url || (!config.kafka && !config.pseudonymizationKey) || config.http.enabled
  const dataDir = dataDirProblem(config.clickhouse.dataDir, { writable: writesDataDir })
  if (dataDir) problems.push(`environment: DRIFTWATCH_DATA_DIR: ${dataDir}`)
  // The rules start loads (alerts on): a missing DRIFTWATCH_ALERT_RULES directory, a bad rule file.
  let rules: RulesChecked | null = null
  if (config.alerts.enabled) {
    try {
      const dir = rulesDirectory(config.alerts.rulesDir)
      rules = { dir, bundled: dir === BUNDLED_RULES_DIR, rules: loadRules(dir).rules.length }
    } catch (e) {
      const fsError = e as NodeJS.ErrnoException
      pushAll(problems, isDriftwatchError(e) || typeof fsError.code !== 'string' ? problemsOf(e, 'alert rules: ') : [`alert rules: ${fsError.message}`])
    }
  }
  return { config, problems, rules }
}

export function validateFile(path: string, io: Pick<ConfigIo, 'exists' | 'readFile'>): { file: FileConfig | null; problems: string[] } {
  if (!io.exists(path)) return { file: null, problems: [`${path}: (file): does not exist`] }
  try {
    return { file: parseFileConfig(io.readFile(path), path), problems: [] }
  } catch (e) {
    return { file: null, problems: problemsOf(e, `${path}: `) }
  }
}

export function runConfigValidate(env: Env, flags: { file?: string }, io: ConfigIo = nodeIo): number {
  const { config, problems: envProblems, rules } = validateEnvironment(env)
  // An empty DRIFTWATCH_CONFIG is unset, as start reads it (src/config/unset-empty.ts).
  const path = flags.file ?? unsetEmpty(env)['DRIFTWATCH_CONFIG'] ?? (io.exists('driftwatch.yaml') ? 'driftwatch.yaml' : null)
  const { file, problems: fileProblems } = path ? validateFile(path, io) : { file: null, problems: [] }
  const problems = [...envProblems, ...fileProblems]
  if (problems.length > 0) {
    io.err(`${problems.length} configuration problem(s):`)
    for (const p of problems) io.err(`  ${p}`)
    return EXIT.config
  }
  const mode = config?.kafka ? `Kafka mode (${config.kafka.brokers.join(',')})` : 'embedded mode (no KAFKA_BROKERS)'
  const store = config?.clickhouse.url ? `ClickHouse ${redactedUrl(config.clickhouse.url)}` : 'chDB'
  io.out(`environment: ok, ${mode}, ${store}, database ${config?.clickhouse.database}`)
  io.out(path ? `${path}: ok, ${file?.models.length ?? 0} model(s)` : 'no configuration file: built-in defaults (every model hourly, against the previous window)')
  io.out(rules ? `alert rules: ok, ${rules.rules} rule(s) from ${rules.bundled ? 'the bundled rules' : rules.dir}` : 'alert rules: not checked (DRIFTWATCH_ALERTS_ENABLED=false)')
  return EXIT.ok
}
