import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { runConfigValidate } from './config.js'
import { EVERY_PART, loadConfiguration, type ConfigFileIo } from './configuration.js'

const files = (contents: Record<string, string>): ConfigFileIo => ({ exists: (p) => p in contents, readFile: (p) => contents[p]! })
const BAD_YAML = { 'driftwatch.yaml': 'models:\n  - id: m\n    window: 2x\n' }
const KEY = '0123456789abcdef0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'dw-configuration-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What `loadConfiguration` throws, or its error's shape. */
function refusal(f: () => unknown): { code: string; problems: unknown; message: string } {
  try {
    f()
  } catch (e) {
    const err = e as { code: string; context: { problems?: unknown }; message: string }
    return { code: err.code, problems: err.context.problems, message: err.message }
  }
  throw new Error('expected a refusal')
}

describe('loadConfiguration: the environment and driftwatch.yaml of a command, checked together', () => {
  it('refuses the environment\'s problems and ./driftwatch.yaml\'s in one DW_CONFIG_INVALID, each line as config validate prints it', () => {
    const env = { KAFKA_BROKERS: 'host:99999', CLICKHOUSE_URL: 'localhost:8123', DRIFTWATCH_DATA_DIR: join(dir, 'data') }
    const problems = [
      'environment: KAFKA_BROKERS: "host:99999": the port 99999 is out of range (1 to 65535)',
      'environment: CLICKHOUSE_URL: must be an http:// or https:// URL, like http://localhost:8123; it has no scheme: write it before the host',
      'driftwatch.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"',
    ]
    expect(refusal(() => loadConfiguration(env, { start: EVERY_PART }, files(BAD_YAML)))).toEqual({ code: 'DW_CONFIG_INVALID', problems, message: `invalid configuration:\n  ${problems.join('\n  ')}` })
    const err: string[] = []
    expect(runConfigValidate(env, {}, { ...files(BAD_YAML), out: () => undefined, err: (l) => err.push(l) })).toBe(2)
    expect(err).toEqual([`${problems.length} configuration problem(s):`, ...problems.map((p) => `  ${p}`)])
  })

  it('lists start\'s own checks with the file\'s: a missing API token and pseudonymization key in Kafka mode', () => {
    const env = { KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1', DRIFTWATCH_DATA_DIR: join(dir, 'data') }
    const { problems } = refusal(() => loadConfiguration(env, { start: EVERY_PART }, files(BAD_YAML)))
    expect(problems).toEqual([
      expect.stringMatching(/^environment: DRIFTWATCH_API_TOKENS: the HTTP API needs at least one token in Kafka mode; set DRIFTWATCH_API_TOKENS/),
      // With what to do, as the error of the key says it.
      expect.stringMatching(/^environment: DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS .*; set it or DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE$/),
      'driftwatch.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"',
    ])
  })

  it('checks for the parts a --role runs: no token for a processor, which serves no HTTP; the role\'s own need of Kafka and a ClickHouse server', () => {
    const env = { KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1', DRIFTWATCH_PSEUDONYMIZATION_KEY: KEY, DRIFTWATCH_DATA_DIR: join(dir, 'data') }
    const { problems } = refusal(() => loadConfiguration(env, { start: { http: false, alerts: false, role: 'processor' } }, files(BAD_YAML)))
    expect(problems).toEqual([expect.stringMatching(/^--role processor needs KAFKA_BROKERS and CLICKHOUSE_URL: /), 'driftwatch.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"'])
    const ok = loadConfiguration({ ...env, CLICKHOUSE_URL: 'http://127.0.0.1:1' }, { start: { http: false, alerts: false, role: 'processor' } }, files({}))
    expect(ok.file()).toEqual(DEFAULT_FILE_CONFIG)
  })

  it('without start\'s checks (status, recompute ...): the variables, the data folder and the file', () => {
    const env = { KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1', DRIFTWATCH_DATA_DIR: join(dir, 'data') }
    expect(refusal(() => loadConfiguration(env, {}, files(BAD_YAML))).problems).toEqual(['driftwatch.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"'])
    // erase turns subject ids with the key: required in Kafka mode, listed with the file's problems.
    expect(refusal(() => loadConfiguration(env, { pseudonymizationKey: true }, files(BAD_YAML))).problems).toEqual([
      expect.stringMatching(/^environment: DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS/),
      'driftwatch.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"',
    ])
  })

  it('a file read on some paths only: refused with a bad environment, otherwise when it is read', () => {
    const bad = { DRIFTWATCH_HTTP_PORT: 'x', DRIFTWATCH_DATA_DIR: join(dir, 'data') }
    expect(refusal(() => loadConfiguration(bad, { fileRead: 'sometimes' }, files(BAD_YAML))).problems).toEqual([
      expect.stringMatching(/^environment: DRIFTWATCH_HTTP_PORT: /),
      'driftwatch.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"',
    ])
    const loaded = loadConfiguration({ DRIFTWATCH_DATA_DIR: join(dir, 'data') }, { fileRead: 'sometimes' }, files(BAD_YAML))
    expect(loaded.config.clickhouse.dataDir).toBe(join(dir, 'data'))
    expect(refusal(() => loaded.file())).toEqual({ code: 'DW_CONFIG_INVALID', problems: ['driftwatch.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"'], message: expect.any(String) })
  })

  it('finds the file as config validate does: DRIFTWATCH_CONFIG, which must exist, else ./driftwatch.yaml; none: the defaults', () => {
    const dataDir = join(dir, 'data')
    expect(refusal(() => loadConfiguration({ DRIFTWATCH_CONFIG: 'gone.yaml', DRIFTWATCH_DATA_DIR: dataDir }, {}, files(BAD_YAML))).problems).toEqual(['gone.yaml: (file): does not exist'])
    const given = loadConfiguration({ DRIFTWATCH_CONFIG: 'other.yaml', DRIFTWATCH_DATA_DIR: dataDir }, {}, files({ ...BAD_YAML, 'other.yaml': 'models:\n  - id: m\n    window: 1d\n' }))
    expect(given.file().models.map((m) => [m.id, m.window])).toEqual([['m', 86_400_000]])
    expect(loadConfiguration({ DRIFTWATCH_DATA_DIR: dataDir }, {}, files({})).file()).toEqual(DEFAULT_FILE_CONFIG)
  })

  it('a data folder that is a file, alone, is the DW_FILE_UNWRITABLE every command gives; with other problems, one of the list', () => {
    const aFile = join(dir, 'a-file')
    writeFileSync(aFile, 'x')
    expect(refusal(() => loadConfiguration({ DRIFTWATCH_DATA_DIR: aFile }, { start: EVERY_PART }, files({})))).toMatchObject({ code: 'DW_FILE_UNWRITABLE', message: `DRIFTWATCH_DATA_DIR: ${aFile} is a file, not a folder; set DRIFTWATCH_DATA_DIR to a folder (created when missing)` })
    expect(refusal(() => loadConfiguration({ DRIFTWATCH_DATA_DIR: aFile }, {}, files(BAD_YAML)))).toMatchObject({
      code: 'DW_CONFIG_INVALID',
      problems: [`environment: DRIFTWATCH_DATA_DIR: ${aFile} is a file, not a folder; set DRIFTWATCH_DATA_DIR to a folder (created when missing)`, 'driftwatch.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"'],
    })
  })
})
