/**
 * The real `driftwatch` CLI, spawned as a user runs it (bin/driftwatch.js), on ordinary mistakes:
 * each one gets exit code 2 (usage, files) or 1 (runtime), ONE line on stderr that
 * says what to do (an invalid configuration with several problems: that line, then one line per
 * problem), and no stack trace. And the documented workflow: `backfill labels` in Kafka
 * mode runs while a `driftwatch start` process holds the chDB data directory, because a command
 * that only publishes opens no ClickHouse.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { TEST_PSEUDONYMIZATION_KEY, uniqueName } from './support/config.js'
import { waitFor } from './support/wait.js'

const BIN = join(import.meta.dirname, '..', 'bin', 'driftwatch.js')
/** The CLI from the TypeScript sources through tsx, whether or not dist/ holds a build. */
const SOURCES = ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'cli', 'main.ts')]
const dir = mkdtempSync(join(tmpdir(), 'dw-cli-errors-'))
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
const folder = join(dir, 'a-folder')
mkdirSync(folder)
const csv = file('ok.csv', 'x,label\n1,a\n2,b\n')
// A binary file (a zip-like header and 3 KB of bytes) given as CSV.
const binary = file('photo.csv', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe]), Buffer.alloc(3000, 0x01)]))

/** The environment of a user in embedded mode: nothing from the test runner's Kafka settings. */
function embeddedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], DRIFTWATCH_LOG_LEVEL: 'warn', DRIFTWATCH_DATA_DIR: join(dir, 'data'), ...extra }
  return env
}

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function driftwatch(args: string[], env: NodeJS.ProcessEnv = embeddedEnv(), timeoutMs = 90_000, entry: readonly string[] = [BIN]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`driftwatch ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr}`))
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** One actionable line: the code, no stack frames, no kilobytes of file content. */
function expectOneLine(run: Run, exit: number, code: string, says: RegExp): void {
  const lines = run.stderr.split('\n').filter((l) => l.length > 0)
  expect({ exit: run.code, lines: lines.length }, run.stderr).toEqual({ exit, lines: 1 })
  expect(lines[0]).toMatch(new RegExp(`^driftwatch: ${code}`))
  expect(lines[0]).toMatch(says)
  expect(run.stderr).not.toMatch(/\n\s+at /)
  expect(run.stderr.length).toBeLessThan(800)
}

/** Starts `driftwatch start` and resolves once it says it runs. */
async function startDriftwatch(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  try {
    await waitFor(async () => output, (o) => o.includes('driftwatch running') || child.exitCode !== null, { what: '`driftwatch start` to run', timeoutMs: 120_000 })
  } catch (e) {
    child.kill('SIGKILL')
    throw e
  }
  if (child.exitCode !== null) throw new Error(`driftwatch start exited (${child.exitCode}): ${output}`)
  return child
}

async function stopDriftwatch(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

// Last, after every describe: the files and data folders of all of them live in `dir`.
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('driftwatch CLI: user mistakes are one actionable line', () => {

  it('report: a directory as input, a directory or missing folder as --output, a binary file as CSV', async () => {
    expectOneLine(await driftwatch(['report', '--reference', folder, '--current', csv]), 2, 'DW_FILE_INVALID', /a-folder: it is a directory/)
    expectOneLine(await driftwatch(['report', '--reference', csv, '--current', csv, '--output', folder]), 2, 'DW_FILE_UNWRITABLE', /--output .*a-folder: it is a directory/)
    expectOneLine(await driftwatch(['report', '--reference', csv, '--current', csv, '--output', join(dir, 'no-such-folder', 'r.json')]), 2, 'DW_FILE_UNWRITABLE', /no-such-folder does not exist/)
    const bin = await driftwatch(['report', '--reference', binary, '--current', csv])
    expectOneLine(bin, 2, 'DW_FILE_INVALID', /photo\.csv is not a text file/)
    expect(bin.stderr).toContain('PK\\x03\\x04\\x00\\x00\\xff\\xfe')
  })

  it('backfill, baseline, config: directories, binary files, bad flags, unknown commands, a bad environment', async () => {
    expectOneLine(await driftwatch(['backfill', 'labels', '--file', binary]), 2, 'DW_FILE_INVALID', /photo\.csv is not a text file \(it starts with "PK\\x03/)
    expectOneLine(await driftwatch(['backfill', 'labels', '--file', folder]), 2, 'DW_FILE_INVALID', /it is a directory/)
    expectOneLine(await driftwatch(['backfill', 'labels', '--file', join(dir, 'missing.csv')]), 2, 'DW_FILE_NOT_FOUND', /missing\.csv/)
    expectOneLine(await driftwatch(['baseline', '--model', 'm', '--file', folder]), 2, 'DW_FILE_INVALID', /it is a directory/)
    expectOneLine(await driftwatch(['report', '--current', csv]), 2, 'DW_CONFIG_INVALID', /--reference <file> is required/)
    expectOneLine(await driftwatch(['report', '--reference', csv, '--current', csv, '--format', 'xml']), 2, '', /'xml' is invalid/)
    expectOneLine(await driftwatch(['statsu']), 2, '', /unknown command 'statsu'/)
    const badEnv = await driftwatch(['migrate'], embeddedEnv({ DRIFTWATCH_HTTP_PORT: 'eighty', CLICKHOUSE_DATABASE: 'my-db' }))
    expect([badEnv.code, badEnv.stderr]).toEqual([2, expect.stringMatching(/^driftwatch: DW_CONFIG_INVALID: invalid environment:\n {2}CLICKHOUSE_DATABASE: [^\n]+\n {2}DRIFTWATCH_HTTP_PORT: [^\n]+\n$/)])
    expectOneLine(await driftwatch(['recompute', '--model', 'm', '--from', 'yesterday', '--to', '2026-11-01']), 2, 'DW_CONFIG_INVALID', /--from/)
  })

  it('start: the HTTP port is taken', { timeout: 120_000 }, async () => {
    const holder: Server = createServer()
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
    const port = (holder.address() as { port: number }).port
    try {
      const run = await driftwatch(['start'], embeddedEnv({ DRIFTWATCH_HTTP_PORT: String(port), DRIFTWATCH_DATA_DIR: join(dir, 'port-data') }))
      expectOneLine(run, 1, 'DW_PORT_IN_USE', new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*DRIFTWATCH_HTTP_PORT`))
    } finally {
      holder.close()
    }
  })
})

describe('driftwatch CLI: mistakes in the environment are the user\'s, and help is not an error', () => {
  const dw = (args: string[], env: NodeJS.ProcessEnv = embeddedEnv()) => driftwatch(args, env, 90_000, SOURCES)
  const aFile = file('not-a-folder', 'x')

  it('help, `help <command>` and `<group> help <command>` exit 0; help of an unknown command is the unknown-command error', { timeout: 120_000 }, async () => {
    const [help, helpStart, helpLabels, bogus, bogusSub] = await Promise.all([dw(['help']), dw(['help', 'start']), dw(['backfill', 'help', 'labels']), dw(['help', 'bogus']), dw(['backfill', 'help', 'bogus'])])
    expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/Commands:[\s\S]*start/)])
    expect([helpStart.code, helpStart.stdout]).toEqual([0, expect.stringMatching(/--role <role>/)])
    expect([helpLabels.code, helpLabels.stdout]).toEqual([0, expect.stringMatching(/--file/)])
    expectOneLine(bogus, 2, '', /^driftwatch: unknown command 'bogus' \(see --help\)$/)
    expectOneLine(bogusSub, 2, '', /^driftwatch: unknown command 'bogus' \(see --help\)$/)
    expect(bogus.stdout).toBe('')
  })

  it('Kafka that cannot be reached is DW_KAFKA_UNAVAILABLE naming KAFKA_BROKERS (start and backfill), exit 1', { timeout: 120_000 }, async () => {
    const env = embeddedEnv({ KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1', DRIFTWATCH_PSEUDONYMIZATION_KEY: TEST_PSEUDONYMIZATION_KEY, DRIFTWATCH_HTTP_ENABLED: 'false', DRIFTWATCH_LOG_LEVEL: 'fatal', DRIFTWATCH_DATA_DIR: join(dir, 'kafka-data') })
    const labels = file('labels-ok.csv', `prediction_id,label,label_time\np-1,a,${new Date().toISOString()}\n`)
    const [start, backfill] = await Promise.all([dw(['start'], env), dw(['backfill', 'labels', '--file', labels], env)])
    for (const run of [start, backfill]) expectOneLine(run, 1, 'DW_KAFKA_UNAVAILABLE', /ECONNREFUSED 127\.0\.0\.1:1.*check KAFKA_BROKERS/)
  })

  it('a CLICKHOUSE_URL without http(s):// is DW_CONFIG_INVALID for migrate and for config validate, exit 2', { timeout: 120_000 }, async () => {
    const env = embeddedEnv({ CLICKHOUSE_URL: 'localhost:8123' })
    const [migrate, validate] = await Promise.all([dw(['migrate'], env), dw(['config', 'validate'], env)])
    expectOneLine(migrate, 2, 'DW_CONFIG_INVALID', /CLICKHOUSE_URL: must be an http:\/\/ or https:\/\/ URL/)
    expect([validate.code, validate.stderr]).toEqual([2, expect.stringContaining('CLICKHOUSE_URL: must be an http:// or https:// URL')])
  })

  it('DRIFTWATCH_HTTP_HOST that is not this machine\'s, or does not resolve, is DW_CONFIG_INVALID naming it, exit 2', { timeout: 120_000 }, async () => {
    const env = (host: string) => embeddedEnv({ DRIFTWATCH_HTTP_HOST: host, DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_API_TOKENS: 'admin:aaaaaaaaaaaaaaaaaaaaaaaaaaaa', DRIFTWATCH_LOG_LEVEL: 'fatal', DRIFTWATCH_DATA_DIR: join(dir, `host-${host}`) })
    const [notMine, unresolvable] = await Promise.all([dw(['start'], env('10.1.2.3')), dw(['start'], env('nonexistent.invalid'))])
    expectOneLine(notMine, 2, 'DW_CONFIG_INVALID', /DRIFTWATCH_HTTP_HOST: 10\.1\.2\.3 is not an address of this machine/)
    expectOneLine(unresolvable, 2, 'DW_CONFIG_INVALID', /DRIFTWATCH_HTTP_HOST: nonexistent\.invalid does not resolve/)
  })

  it('DRIFTWATCH_DATA_DIR that is a file: every command says DW_FILE_UNWRITABLE naming it, exit 2', { timeout: 180_000 }, async () => {
    const env = embeddedEnv({ DRIFTWATCH_DATA_DIR: aFile, DRIFTWATCH_HTTP_PORT: '0' })
    const commands = [['start'], ['migrate'], ['erase', '--subject', 'x'], ['baseline', '--model', 'm', '--file', csv], ['recompute', '--model', 'm', '--from', '2026-11-01', '--to', '2026-11-02'], ['status'], ['alerts', 'list']]
    const runs = await Promise.all(commands.map((c) => dw(c, env)))
    runs.forEach((run) => expectOneLine(run, 2, 'DW_FILE_UNWRITABLE', new RegExp(`^driftwatch: DW_FILE_UNWRITABLE: DRIFTWATCH_DATA_DIR: ${aFile} is a file, not a folder`)))
    const validate = await dw(['config', 'validate'], env)
    expect([validate.code, validate.stderr]).toEqual([2, expect.stringContaining(`DRIFTWATCH_DATA_DIR: ${aFile} is a file, not a folder`)])
  })

  it('config validate refuses the alert rules start refuses: a missing DRIFTWATCH_ALERT_RULES directory', { timeout: 60_000 }, async () => {
    const run = await dw(['config', 'validate'], embeddedEnv({ DRIFTWATCH_ALERT_RULES: join(dir, 'no-rules') }))
    expect([run.code, run.stderr]).toEqual([2, `1 configuration problem(s):\n  alert rules: DRIFTWATCH_ALERT_RULES: ${join(dir, 'no-rules')} is not a directory\n`])
  })

  it('a CLICKHOUSE_URL that is not ClickHouse (an empty 404), or refuses connections: DW_CLICKHOUSE_UNAVAILABLE saying to check CLICKHOUSE_URL, exit 1', { timeout: 120_000 }, async () => {
    const notClickHouse = createHttpServer((_, res) => res.writeHead(404, { 'content-length': '0' }).end())
    await new Promise<void>((r) => notClickHouse.listen(0, '127.0.0.1', r))
    const port = (notClickHouse.address() as { port: number }).port
    try {
      const [stub, refused] = await Promise.all([dw(['migrate'], embeddedEnv({ CLICKHOUSE_URL: `http://127.0.0.1:${port}` })), dw(['migrate'], embeddedEnv({ CLICKHOUSE_URL: 'http://127.0.0.1:1' }))])
      expectOneLine(stub, 1, 'DW_CLICKHOUSE_UNAVAILABLE', /answered an HTTP error with an empty body, which ClickHouse never sends: check that CLICKHOUSE_URL/)
      expectOneLine(refused, 1, 'DW_CLICKHOUSE_UNAVAILABLE', /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1\/ \(connect ECONNREFUSED .*check CLICKHOUSE_URL/)
    } finally {
      notClickHouse.close()
    }
  })

  it('report: a model file with several problems lists each on a line of its own, as start and config validate do', { timeout: 60_000 }, async () => {
    const model = file('model.yaml', 'features:\n  x: numeric\nthresholds:\n  x: high\nfoo: 1\n')
    const run = await dw(['report', '--reference', csv, '--current', csv, '--config', model])
    const lines = run.stderr.split('\n')
    expect([run.code, lines.length, lines[0], lines.at(-1)]).toEqual([2, 5, 'driftwatch: DW_CONFIG_INVALID: invalid model file:', ''])
    expect(lines.slice(1, 4).map((l) => l.slice(0, `  ${model}: `.length + 8))).toEqual([`  ${model}: features`, `  ${model}: threshol`, `  ${model}: (root): `])
  })

  it('KAFKA_BROKERS and the URL variables: a port out of range, no host, another scheme is DW_CONFIG_INVALID naming the variable and the entry', { timeout: 120_000 }, async () => {
    const env = embeddedEnv({ KAFKA_BROKERS: '127.0.0.1:0,kafka:99999', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:0', CLICKHOUSE_URL: 'http://ch:99999', SLACK_WEBHOOK_URL: 'hooks.slack.com:443/x', SMTP_HOST: 'mail', SMTP_PORT: '70000' })
    const [migrate, validate] = await Promise.all([dw(['migrate'], env), dw(['config', 'validate'], env)])
    const problems = [
      'KAFKA_BROKERS: "127.0.0.1:0": the port 0 is out of range (1 to 65535)',
      'KAFKA_BROKERS: "kafka:99999": the port 99999 is out of range (1 to 65535)',
      'SCHEMA_REGISTRY_URL: must be an http:// or https:// URL, like http://localhost:8081; its port 0 is out of range (1 to 65535)',
      'CLICKHOUSE_URL: must be an http:// or https:// URL, like http://localhost:8123; its port 99999 is out of range (1 to 65535)',
      'SLACK_WEBHOOK_URL: must be an http:// or https:// URL, like https://hooks.slack.com/services/...; it has no scheme: write it before the host',
      'SMTP_PORT: must be a whole number from 1 to 65535, got "70000"',
    ]
    expect([migrate.code, migrate.stderr]).toEqual([2, `driftwatch: DW_CONFIG_INVALID: invalid environment:\n${problems.map((p) => `  ${p}\n`).join('')}`])
    expect([validate.code, validate.stderr]).toEqual([2, `${problems.length} configuration problem(s):\n${problems.map((p) => `  environment: ${p}\n`).join('')}`])
  })

  it('backfill, baseline and alerts unmute: a file\'s line problem names the file, an --exclude typo, an unknown silence: one line with a code', { timeout: 120_000 }, async () => {
    const quote = file('quote.csv', `prediction_id,label,label_time\np1,"a,${new Date().toISOString()}\n`)
    const env = embeddedEnv({ DRIFTWATCH_DATA_DIR: join(dir, 'mistakes-data') })
    expectOneLine(await dw(['backfill', 'labels', '--file', quote], env), 2, 'DW_FILE_INVALID', new RegExp(`^driftwatch: DW_FILE_INVALID: ${quote}: line 2: malformed CSV`))
    expectOneLine(await dw(['baseline', '--model', 'm', '--file', csv, '--exclude', 'lable'], env), 2, 'DW_CONFIG_INVALID', /--exclude: no column "lable" in .*ok\.csv; its columns: x, label$/)
    expectOneLine(await dw(['alerts', 'unmute', 'no-such-id'], env), 1, 'DW_NOT_FOUND', /no active silence has the id "no-such-id": `driftwatch alerts list` shows the active silences/)
  })
})

describe('driftwatch CLI: an invalid driftwatch.yaml, alert rules or environment', () => {
  const dw = (args: string[], env: NodeJS.ProcessEnv = embeddedEnv()) => driftwatch(args, env, 90_000, SOURCES)

  it('models left empty, a list of null or a single model not in a list: DW_CONFIG_INVALID naming models, exit 2, for config validate, start and status', { timeout: 180_000 }, async () => {
    const cases = [
      ['models:\n', 'models: expected a list of models, got null'],
      ['models:\n  - null\n', 'models.0: expected a model, a map such as { id: loan-approval }, got null'],
      ['models: { id: a }\n', 'models: expected a list of models, got a map with the key(s) id'],
    ] as const
    for (const [i, [yaml, problem]] of cases.entries()) {
      const path = file(`models-${i}.yaml`, yaml)
      const env = embeddedEnv({ DRIFTWATCH_CONFIG: path, DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_DATA_DIR: join(dir, `models-${i}`) })
      const [validate, start, status] = await Promise.all([dw(['config', 'validate'], env), dw(['start'], env), dw(['status'], env)])
      expect([validate.code, validate.stderr]).toEqual([2, `1 configuration problem(s):\n  ${path}: ${problem}\n`])
      for (const run of [start, status]) expect([run.code, run.stderr]).toEqual([2, `driftwatch: DW_CONFIG_INVALID: invalid configuration: ${path}: ${problem}\n`])
    }
  })

  it('a driftwatch.yaml with typos: start and config validate say what each setting takes and what it got, never zod\'s wording', { timeout: 120_000 }, async () => {
    const path = file('typos.yaml', 'modles: []\nmodels:\n  - id: m\n    windw: 1h\n    window: true\n    task: classification\n    reference: { previousWindow: 2 }\nretention: { raw: 90 days }\n')
    const env = embeddedEnv({ DRIFTWATCH_CONFIG: path, DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_DATA_DIR: join(dir, 'typos') })
    const [start, validate] = await Promise.all([dw(['start'], env), dw(['config', 'validate'], env)])
    // Each problem after `  <file>: `, in the order zod reports them.
    const problems = [
      'models.0.task: expected one of binary, multiclass, regression, got "classification"',
      'models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got true',
      /^models\.0\.reference: expected \{ from: <time>, to: <time> \} for a fixed period, .* got the key\(s\) previousWindow$/,
      /^models\.0: unknown key "windw" \(did you mean window\?\); the keys here are id, task, /,
      'retention.raw: expected a duration such as 30s, 5m, 1h, 7d, got "90 days"',
      /^\(root\): unknown key "modles" \(did you mean models\?\); the keys here are ingest, models, join, retention, evaluation$/,
    ]
    for (const [run, heading] of [[start, 'driftwatch: DW_CONFIG_INVALID: invalid configuration:'], [validate, '6 configuration problem(s):']] as const) {
      const lines = run.stderr.split('\n').filter((l) => l.length > 0)
      expect([run.code, lines[0], lines.length], run.stderr).toEqual([2, heading, problems.length + 1])
      problems.forEach((p, i) => {
        const line = lines[i + 1]!
        expect(line.startsWith(`  ${path}: `), line).toBe(true)
        if (typeof p === 'string') expect(line.slice(path.length + 4)).toBe(p)
        else expect(line.slice(path.length + 4)).toMatch(p)
      })
    }
    expect(start.stderr + validate.stderr).not.toMatch(/Invalid input|Invalid option|Unrecognized key|Too (small|big)/)
  })

  it('start with twelve bad windows prints all twelve problems, each whole on its own line, as config validate does', { timeout: 120_000 }, async () => {
    const models = Array.from({ length: 12 }, (_, i) => `  - id: model-${i}\n    window: ${i}x\n`).join('')
    const path = file('many.yaml', `models:\n${models}`)
    const env = embeddedEnv({ DRIFTWATCH_CONFIG: path, DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_DATA_DIR: join(dir, 'many') })
    const [start, validate] = await Promise.all([dw(['start'], env), dw(['config', 'validate'], env)])
    const problems = Array.from({ length: 12 }, (_, i) => `${path}: models.${i}.window: expected a duration such as 30s, 5m, 1h, 7d, got "${i}x"`)
    expect([start.code, start.stderr]).toEqual([2, `driftwatch: DW_CONFIG_INVALID: invalid configuration:\n${problems.map((p) => `  ${p}\n`).join('')}`])
    expect(validate.stderr).toBe(`12 configuration problem(s):\n${problems.map((p) => `  ${p}\n`).join('')}`)
  })

  it('start and every command that reads driftwatch.yaml list the environment\'s problems and the file\'s in one run, as config validate does', { timeout: 180_000 }, async () => {
    const path = file('bad-duration.yaml', 'models:\n  - id: m\n    window: 2x\n')
    const env = embeddedEnv({ KAFKA_BROKERS: 'host:99999', CLICKHOUSE_URL: 'localhost:8123', DRIFTWATCH_CONFIG: path, DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_DATA_DIR: join(dir, 'env-and-file') })
    const problems = [
      'environment: KAFKA_BROKERS: "host:99999": the port 99999 is out of range (1 to 65535)',
      'environment: CLICKHOUSE_URL: must be an http:// or https:// URL, like http://localhost:8123; it has no scheme: write it before the host',
      `${path}: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"`,
    ]
    const validate = await dw(['config', 'validate'], env)
    expect([validate.code, validate.stderr]).toEqual([2, `${problems.length} configuration problem(s):\n${problems.map((p) => `  ${p}\n`).join('')}`])
    const commands = [
      ['start'], ['status'], ['erase', '--subject', 'x'], ['recompute', '--model', 'm', '--from', '2026-11-01', '--to', '2026-11-02'],
      ['backfill', 'labels', '--file', csv], ['baseline', '--model', 'm', '--file', csv], ['alerts', 'mute', '--model', 'm', '--for', '1h'],
    ]
    const runs = await Promise.all(commands.map((c) => dw(c, env)))
    runs.forEach((run, i) => expect([commands[i]!.join(' '), run.code, run.stderr]).toEqual([commands[i]!.join(' '), 2, `driftwatch: DW_CONFIG_INVALID: invalid configuration:\n${problems.map((p) => `  ${p}\n`).join('')}`]))
  })

  it('start with several bad alert rule files prints every problem on its own line', { timeout: 120_000 }, async () => {
    const rules = join(dir, 'bad-rules')
    mkdirSync(rules)
    for (let i = 0; i < 8; i++) writeFileSync(join(rules, `r${i}.yaml`), `rules:\n  - name: rule-${i}\n    metric: drift\n    condition: { op: '>', threshold: high }\n`)
    const run = await dw(['start'], embeddedEnv({ DRIFTWATCH_ALERT_RULES: rules, DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_DATA_DIR: join(dir, 'bad-rules-data') }))
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('driftwatch: ') || l.startsWith('  '))
    expect([run.code, lines]).toEqual([2, ['driftwatch: DW_CONFIG_INVALID: invalid configuration:', ...Array.from({ length: 8 }, (_, i) => expect.stringMatching(new RegExp(`^  alert rules: ${rules}/r${i}\\.yaml: rules\\.0\\.condition\\.threshold: .*number`)))]])
    expect(run.stderr).not.toMatch(/\n\s+at |\.\.\.\n/)
    // Refused before anything opened: no engine directory, no migration.
    expect(existsSync(join(dir, 'bad-rules-data', 'chdb'))).toBe(false)
    expect(run.stdout).not.toMatch(/ClickHouse ready/)
  })

  it('an SMTP_URL without a host is refused by config validate and start, without its password', { timeout: 120_000 }, async () => {
    const env = embeddedEnv({ SMTP_URL: 'smtp:/user:S3CRETPW@host', ALERT_EMAIL_TO: 'a@x.io', DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_DATA_DIR: join(dir, 'smtp-data') })
    const [validate, start] = await Promise.all([dw(['config', 'validate'], env), dw(['start'], env)])
    expect([validate.code, validate.stderr]).toEqual([2, expect.stringContaining('environment: SMTP_URL: must be smtp://[user:pass@]host[:port] or smtps://')])
    expectOneLine(start, 2, 'DW_CONFIG_INVALID', /SMTP_URL: must be smtp:\/\/\[user:pass@\]host\[:port\]/)
    expect(validate.stderr + start.stderr).not.toContain('S3CRETPW')
  })

  it('variables left empty (compose\'s ${VAR:-}) are unset: config validate accepts them', { timeout: 60_000 }, async () => {
    const empty = ['SLACK_WEBHOOK_URL', 'SMTP_URL', 'SMTP_PORT', 'GRAFANA_URL', 'GRAFANA_API_TOKEN', 'KAFKA_BROKERS', 'CLICKHOUSE_URL', 'DRIFTWATCH_HTTP_PORT', 'DRIFTWATCH_PARTITIONS', 'DRIFTWATCH_LOG_LEVEL', 'KAFKA_SSL', 'DRIFTWATCH_PSEUDONYMIZATION_KEY']
    const run = await dw(['config', 'validate'], embeddedEnv({ ...Object.fromEntries(empty.map((n) => [n, ''])), SMTP_HOST: 'mail.example.com', DRIFTWATCH_DATA_DIR: join(dir, 'empty-data') }))
    expect([run.code, run.stderr, run.stdout]).toEqual([0, '', expect.stringMatching(/^environment: ok, embedded mode/)])
  })
})

describe('driftwatch CLI beside a running `driftwatch start` that holds the data directory', () => {
  const infra = inject('infra')
  const dataDir = join(dir, 'held')
  const prefix = `${uniqueName('cli')}.`
  const kafkaEnv = (extra: Record<string, string> = {}) =>
    embeddedEnv({
      DRIFTWATCH_DATA_DIR: dataDir,
      KAFKA_BROKERS: infra.kafkaBrokers,
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      DRIFTWATCH_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: `${prefix}group`,
      DRIFTWATCH_PSEUDONYMIZATION_KEY: TEST_PSEUDONYMIZATION_KEY,
      DRIFTWATCH_PARTITIONS: '2',
      DRIFTWATCH_HTTP_ENABLED: 'false',
      ...extra,
    })
  let running: ChildProcess | undefined
  afterAll(async () => {
    await stopDriftwatch(running)
    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix))
    if (topics.length) await admin.deleteTopics({ topics })
    await admin.disconnect()
  })

  it('says which process holds the directory; and backfill in Kafka mode publishes without opening it', { timeout: 300_000 }, async () => {
    // info: it says when it runs.
    running = await startDriftwatch(kafkaEnv({ DRIFTWATCH_LOG_LEVEL: 'info' }))
    const pid = running.pid!

    // The documented workflow: backfill labels while start runs. Kafka mode only publishes.
    const t = Date.now() - 3_600_000
    const rows = Array.from({ length: 250 }, (_, i) => `bf-${i},approve,${new Date(t + i * 1000).toISOString()},review`)
    const labels = file('labels.csv', `prediction_id,label,label_time,source\n${rows.join('\n')}\n`)
    const backfill = await driftwatch(['backfill', 'labels', '--file', labels, '--batch-size', '100'], kafkaEnv())
    expect(backfill.code, backfill.stderr).toBe(0)
    expect(backfill.stdout).toMatch(/sending 250 label\(s\) to kafka/)
    expect(backfill.stderr).not.toMatch(/DW_|CHDB|\n\s+at /)

    // Conservation: one message per row on the topic (nothing lost, nothing sent twice).
    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      const offsets = await admin.fetchTopicOffsets(`${prefix}ground-truth`)
      expect(offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)).toBe(250)
    } finally {
      await admin.disconnect()
    }

    // Commands that need the store say who holds it and what to do instead.
    expectOneLine(await driftwatch(['start'], kafkaEnv()), 1, 'DW_DATA_DIR_LOCKED', new RegExp(`in use by \`driftwatch start\` \\(pid ${pid}.*kill ${pid}`))
    expectOneLine(await driftwatch(['erase', '--subject', 'someone'], kafkaEnv()), 1, 'DW_DATA_DIR_LOCKED', new RegExp(`pid ${pid}`))

    expect(running.exitCode).toBeNull()
  })
})
