/**
 * `driftwatch config validate [--file driftwatch.yaml]`: checks the environment (every variable
 * `start` reads, the HTTP API's token policy, the data folder and the alert rules it loads) and the
 * monitoring file, and prints every
 * problem as `<where>: <path>: <reason>`. Exit 0 when both are valid, 2 otherwise. Connects to
 * nothing. The file is --file, else DRIFTWATCH_CONFIG, else ./driftwatch.yaml when present. The
 * checks are those every command makes before it starts (./configuration.ts), which refuse the
 * same problems in the same words.
 *
 * `driftwatch config schema`: prints the JSON Schema of driftwatch.yaml (schemas/driftwatch.schema.json).
 */
import { redactedUrl } from '../config/redact.js'
import { EXIT } from './command.js'
import { configFilePath, EVERY_PART, nodeFileIo, validateEnvironment, validateFile, type ConfigFileIo } from './configuration.js'
import { linesTo } from './output.js'

export interface ConfigIo extends ConfigFileIo {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

const nodeIo: ConfigIo = {
  ...nodeFileIo,
  out: linesTo(process.stdout),
  err: linesTo(process.stderr),
}

type Env = Readonly<Record<string, string | undefined>>

export function runConfigValidate(env: Env, flags: { file?: string }, io: ConfigIo = nodeIo): number {
  // The checks of every command (./configuration.ts), with those of `start --role all`.
  const { config, problems: envProblems, rules } = validateEnvironment(env, { start: EVERY_PART })
  const path = configFilePath(env, flags.file, io)
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
