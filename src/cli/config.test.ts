import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runConfigValidate, type ConfigIo } from './config.js'

function io(files: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const value: ConfigIo = { exists: (p) => p in files, readFile: (p) => files[p]!, out: (l) => out.push(l), err: (l) => err.push(l) }
  return { io: value, out, err }
}

describe('driftwatch config validate', () => {
  it('exit 0 on a valid environment and file, saying what it found', () => {
    const t = io({ 'driftwatch.yaml': 'models:\n  - id: m\n    window: 1d\n' })
    expect(runConfigValidate({}, {}, t.io)).toBe(0)
    expect(t.err).toEqual([])
    expect(t.out).toEqual([
      'environment: ok, embedded mode (no KAFKA_BROKERS), chDB, database driftwatch', 'driftwatch.yaml: ok, 1 model(s)',
      expect.stringMatching(/^alert rules: ok, \d+ rule\(s\) from (the bundled rules|.*alerts)$/),
    ])
  })

  it('says which alert rules it checked: a directory of them, or none with alerts off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-rules-'))
    writeFileSync(join(dir, 'r.yaml'), "rules:\n  - name: a\n    metric: dlq_rate\n    condition: { op: '>', threshold: 0.1 }\n  - name: b\n    metric: label_coverage\n    condition: { op: '<', threshold: 0.5 }\n")
    const t = io({})
    expect(runConfigValidate({ DRIFTWATCH_ALERT_RULES: dir }, {}, t.io)).toBe(0)
    expect(t.out[2]).toBe(`alert rules: ok, 2 rule(s) from ${dir}`)
    const off = io({})
    expect(runConfigValidate({ DRIFTWATCH_ALERTS_ENABLED: 'false' }, {}, off.io)).toBe(0)
    expect(off.out[2]).toBe('alert rules: not checked (DRIFTWATCH_ALERTS_ENABLED=false)')
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads ./driftwatch.yaml when DRIFTWATCH_CONFIG is set but empty, as start does', () => {
    const t = io({ 'driftwatch.yaml': 'models:\n  - id: m\n    window: soon\n' })
    expect(runConfigValidate({ DRIFTWATCH_CONFIG: '' }, {}, t.io)).toBe(2)
    expect(t.err.join('\n')).toMatch(/driftwatch\.yaml: models\.0\.window/)
  })

  it('exit 0 without a file: defaults', () => {
    const t = io({})
    expect(runConfigValidate({}, {}, t.io)).toBe(0)
    expect(t.out[1]).toMatch(/^no configuration file/)
  })

  it('prints every problem of the environment and of the file, with its path, and exits 2', () => {
    const t = io({ 'my.yaml': 'models:\n  - id: m\n    window: soon\n    tsak: binary\njoin: { indexSize: -1 }\n' })
    const env = { KAFKA_BROKERS: 'nohostport', DRIFTWATCH_HTTP_PORT: 'x', DRIFTWATCH_API_TOKENS: 'root:0123456789abcdef0123' }
    expect(runConfigValidate(env, { file: 'my.yaml' }, t.io)).toBe(2)
    expect(t.out).toEqual([])
    expect(t.err[0]).toBe('6 configuration problem(s):')
    expect(t.err.slice(1).map((l) => l.trim().split(': ').slice(0, 2).join(': '))).toEqual([
      'environment: KAFKA_BROKERS',
      'environment: DRIFTWATCH_HTTP_PORT',
      'environment: DRIFTWATCH_API_TOKENS.0',
      'my.yaml: models.0.window',
      'my.yaml: models.0',
      'my.yaml: join.indexSize',
    ])
    expect(t.err.join('\n')).not.toContain('0123456789abcdef0123')
  })

  it('reports what start would refuse in Kafka mode: no API token, no pseudonymization key', () => {
    const t = io({})
    expect(runConfigValidate({ KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r:8081' }, {}, t.io)).toBe(2)
    expect(t.err[0]).toBe('2 configuration problem(s):')
    expect(t.err[1]).toMatch(/^ {2}environment: DRIFTWATCH_API_TOKENS: the HTTP API needs at least one token in Kafka mode/)
    expect(t.err[2]).toMatch(/^ {2}environment: DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS/)
  })

  it('a file that was asked for must exist; DRIFTWATCH_CONFIG names it too', () => {
    const t = io({})
    expect(runConfigValidate({ DRIFTWATCH_CONFIG: 'gone.yaml' }, {}, t.io)).toBe(2)
    expect(t.err).toEqual(['1 configuration problem(s):', '  gone.yaml: (file): does not exist'])
  })

  it('reports YAML that does not parse', () => {
    const t = io({ 'bad.yaml': 'models: [\n' })
    expect(runConfigValidate({}, { file: 'bad.yaml' }, t.io)).toBe(2)
    expect(t.err[1]).toMatch(/^ {2}bad\.yaml: not valid YAML/)
  })

  it('checks the alert rules start loads: a missing DRIFTWATCH_ALERT_RULES directory, a bad rule file', () => {
    const missing = io({})
    expect(runConfigValidate({ DRIFTWATCH_ALERT_RULES: '/nonexistent' }, {}, missing.io)).toBe(2)
    expect(missing.err).toEqual(['1 configuration problem(s):', '  alert rules: DRIFTWATCH_ALERT_RULES: /nonexistent is not a directory'])

    const dir = mkdtempSync(join(tmpdir(), 'dw-rules-'))
    writeFileSync(join(dir, 'bad.yaml'), 'rules:\n  - name: r\n    metric: drift.psi\n    condition: { op: "=>", threshold: high }\n    channels: [pager]\n')
    const bad = io({})
    expect(runConfigValidate({ DRIFTWATCH_ALERT_RULES: dir }, {}, bad.io)).toBe(2)
    expect(bad.err.length).toBeGreaterThan(1)
    for (const line of bad.err.slice(1)) expect(line).toMatch(new RegExp(`^ {2}alert rules: ${dir}/bad\\.yaml: rules\\.0\\.`))
    // Alerts off: start loads no rules, so none are checked.
    expect(runConfigValidate({ DRIFTWATCH_ALERT_RULES: dir, DRIFTWATCH_ALERTS_ENABLED: 'false' }, {}, io({}).io)).toBe(0)
  })

  it('checks the alert rules beside another variable that does not parse, in the same run', () => {
    const t = io({})
    expect(runConfigValidate({ DRIFTWATCH_HTTP_PORT: 'abc', DRIFTWATCH_ALERT_RULES: '/nonexistent' }, {}, t.io)).toBe(2)
    expect(t.err).toEqual([
      '2 configuration problem(s):',
      expect.stringMatching(/^ {2}environment: DRIFTWATCH_HTTP_PORT: /),
      '  alert rules: DRIFTWATCH_ALERT_RULES: /nonexistent is not a directory',
    ])
    // An alert variable that does not parse itself: the rules are not read.
    const smtp = io({})
    expect(runConfigValidate({ SMTP_PASSWORD: 'x', DRIFTWATCH_ALERT_RULES: '/nonexistent' }, {}, smtp.io)).toBe(2)
    expect(smtp.err).toEqual(['1 configuration problem(s):', expect.stringMatching(/^ {2}environment: SMTP_PASSWORD: needs SMTP_USER/)])
  })

  it('refuses a data folder that is a file, or under one, as start does', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dw-dd-')), 'a-file')
    writeFileSync(file, 'x')
    for (const [dataDir, said] of [[file, `${file} is a file, not a folder`], [join(file, 'sub'), `${file} is a file, not a folder, so ${join(file, 'sub')} cannot be created in it`]] as const) {
      const t = io({})
      expect(runConfigValidate({ DRIFTWATCH_DATA_DIR: dataDir }, {}, t.io)).toBe(2)
      expect(t.err).toEqual(['1 configuration problem(s):', `  environment: DRIFTWATCH_DATA_DIR: ${said}; set DRIFTWATCH_DATA_DIR to a folder (created when missing)`])
    }
    const fresh = join(mkdtempSync(join(tmpdir(), 'dw-dd-')), 'not-yet', 'made')
    expect(runConfigValidate({ DRIFTWATCH_DATA_DIR: fresh }, {}, io({}).io)).toBe(0)
    // Checked, not created: validate changes nothing.
    expect(existsSync(fresh)).toBe(false)
  })

  it('refuses a ClickHouse or registry URL that is not http(s), which start would fail on', () => {
    const t = io({})
    expect(runConfigValidate({ CLICKHOUSE_URL: 'localhost:8123' }, {}, t.io)).toBe(2)
    expect(t.err).toEqual(['1 configuration problem(s):', '  environment: CLICKHOUSE_URL: must be an http:// or https:// URL, like http://localhost:8123; it has no scheme: write it before the host'])
  })
})
