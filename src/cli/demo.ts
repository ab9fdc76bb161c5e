/**
 * `driftwatch demo`: a loan-approval model's traffic through the real pipeline (the embedded
 * source and chDB by default, Kafka when KAFKA_BROKERS is set): predictions, then labels that
 * arrive days later in event time, evaluated per daily window against a fixed reference period,
 * and a summary of what was detected. The demo has its own database (<database>_demo),
 * recreated on every run; its traffic ends 11 days before today, so every label is in the past.
 */
import { DEFAULT_HTTP, type RuntimeConfig } from '../config/env.js'
import { parseFileConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import { startApp } from '../app.js'
import { createLogger } from '../observability/logger.js'
import { DEFAULT_LOAN_DEMO, simulateLoanModel, type LoanDemoOptions } from '../demo/loan-model.js'
import { openStore, type Store } from '../store/clickhouse.js'
import { progress } from './progress.js'
import { printDemoReport } from './demo-report.js'
import { writeDemoFiles } from './demo-files.js'
import { withDatabase } from '../store/query.js'
import { linesTo } from './output.js'

const BATCH = 1000
const DAY_MS = 86_400_000

function positiveInt(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new DriftwatchError('DW_CONFIG_INVALID', `${flag} must be a positive integer, got "${value}"`)
  return n
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** The demo model's configuration, as a user would write it in driftwatch.yaml. */
export function demoModelYaml(o: LoanDemoOptions): string {
  return `models:
  - id: loan-approval
    task: binary
    positiveClass: approve
    protected: [group]
    window: 1d
    allowedLateness: 1h
    reference: { from: "${iso(o.startMs)}", to: "${iso(o.startMs + o.referenceDays * DAY_MS)}" }
`
}

/** DRIFTWATCH_DATA_DIR's default (src/config/env.ts): left out of the printed commands. */
const DEFAULT_DATA_DIR = '.driftwatch'

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`)

/**
 * The commands that show the demo's results, as the user types them: the demo's data is in its
 * own database (<database>_demo) and evaluated with its own settings (daily windows, a fixed
 * reference), so both are named; the data directory too when it is not the default.
 */
export function demoCommands(o: { config: string; database: string; dataDir: string; http?: { host: string; port: number } }): { status: string; start: string } {
  const env = [
    ...(o.dataDir === DEFAULT_DATA_DIR ? [] : [`DRIFTWATCH_DATA_DIR=${shellWord(o.dataDir)}`]),
    `DRIFTWATCH_CONFIG=${shellWord(o.config)}`,
    `CLICKHOUSE_DATABASE=${shellWord(o.database)}`,
  ].join(' ')
  // The web UI's address as the demo prints it (demoUiUrl), when it is not the default one.
  const http = [
    ...(o.http && o.http.host !== DEFAULT_HTTP.host ? [`DRIFTWATCH_HTTP_HOST=${shellWord(o.http.host)}`] : []),
    ...(o.http && o.http.port !== DEFAULT_HTTP.port ? [`DRIFTWATCH_HTTP_PORT=${o.http.port}`] : []),
  ]
  return { status: `${env} npx driftwatch status`, start: `${[env, ...http].join(' ')} npx driftwatch start` }
}


/**
 * Where `driftwatch start` will serve the web UI with these settings, as a browser opens it: null
 * when the HTTP API is off, a wildcard host as the loopback address, port 0 as "the port it logs".
 */
export function demoUiUrl(http: Pick<RuntimeConfig['http'], 'enabled' | 'host' | 'port'>): string | null {
  if (!http.enabled) return null
  const host = http.host === '0.0.0.0' ? '127.0.0.1' : http.host === '::' ? '[::1]' : http.host.includes(':') ? `[${http.host}]` : http.host
  return http.port === 0 ? `http://${host}:<the port it logs>/` : `http://${host}:${http.port}/`
}

export async function runDemo(base: RuntimeConfig, o: { days: string; perDay: string; seed: string }): Promise<number> {
  const started = Date.now()
  const runId = started.toString(36)
  const config: RuntimeConfig = {
    ...base,
    clickhouse: { ...base.clickhouse, database: `${base.clickhouse.database}_demo` },
    kafka: base.kafka && { ...base.kafka, groupId: `${base.kafka.groupId}-demo-${runId}` },
    topics: { ...base.topics, predictions: `demo-${runId}.${base.topics.predictions}`, groundTruth: `demo-${runId}.${base.topics.groundTruth}` },
  }
  const days = positiveInt('--days', o.days)
  if (days <= DEFAULT_LOAN_DEMO.driftDay) {
    throw new DriftwatchError('DW_CONFIG_INVALID', `--days must be more than ${DEFAULT_LOAN_DEMO.driftDay}: the drift starts on day ${DEFAULT_LOAN_DEMO.driftDay + 1}`)
  }
  const startMs = Math.floor(started / DAY_MS) * DAY_MS - (days + 11) * DAY_MS
  const options: LoanDemoOptions = { ...DEFAULT_LOAN_DEMO, startMs, days, perDay: positiveInt('--per-day', o.perDay), seed: positiveInt('--seed', o.seed) }
  const out = linesTo(process.stdout)

  await dropDemoDatabase(config)
  const logger = createLogger(base.logLevel === 'info' ? 'warn' : base.logLevel, { format: base.logFormat })
  const modelYaml = demoModelYaml(options)
  const file = parseFileConfig(modelYaml, 'demo model')
  // The alert rules run after the evaluation; with SLACK_WEBHOOK_URL, SMTP_* or GRAFANA_* set,
  // their notifications are delivered too.
  const app = await startApp(config, logger, { file, evaluate: false, alerts: true })
  try {
    out(`driftwatch demo: ${app.mode} mode, ClickHouse ${app.store.kind} at ${app.store.location} (database ${app.store.database})`)
    const data = simulateLoanModel(options)
    out(`model 'loan-approval': ${data.predictions.length} predictions over ${days} days from ${iso(startMs)}, ${data.labels.length} labels arriving 0-10 days later`)
    out(`reference: ${iso(startMs)} to ${iso(startMs + options.referenceDays * DAY_MS - 1)}; injected: income drift and a new employment category from ${iso(startMs + options.driftDay * DAY_MS)}, a score penalty for group B`)
    await publishAll('predictions', data.predictions, (c) => app.publisher.publishPredictions(c))
    const labels = [...data.labels].sort((a, b) => a.label_time - b.label_time)
    await publishAll('labels', labels, (c) => app.publisher.publishGroundTruth(c))
    await waitForStored(app.store, 'predictions', data.predictions.length)
    await waitForStored(app.store, 'ground_truth', data.labels.length)
    const evaluation = await app.evaluator.evaluateNow()
    await app.alerts?.dispatchNow()
    out(`evaluated ${evaluation.evaluated} daily windows`)
    await printDemoReport(app.store, out)
    out('')
    out(`the data stays in ${app.store.location} (database ${app.store.database}); query it with any ClickHouse client or chDB.`)
    const files = await writeDemoFiles(base.clickhouse.dataDir, modelYaml, options, data)
    out(`HTML report (reference week vs the drifted days, champion): ${files.report}`)
    const commands = demoCommands({ config: files.config, database: app.store.database, dataDir: base.clickhouse.dataDir, http: base.http })
    out('see the results in a terminal:')
    out(`  ${commands.status}`)
    const ui = demoUiUrl(base.http)
    out(ui ? 'or in the web UI: run' : 'or, with DRIFTWATCH_HTTP_ENABLED=true for the web UI, run')
    out(`  ${commands.start}`)
    out(`  ${ui ? `and open ${ui} ` : ''}(driftwatch.yaml there also makes \`driftwatch recompute\` use the demo settings)`)
    out(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`)
    return 0
  } finally {
    await app.stop()
  }
}

async function publishAll<T>(what: string, items: readonly T[], send: (chunk: T[]) => Promise<void>): Promise<void> {
  const bar = progress(`publishing ${what}`, items.length)
  for (let i = 0; i < items.length; i += BATCH) {
    const chunk = items.slice(i, i + BATCH)
    await send(chunk)
    bar.increment(chunk.length)
  }
  bar.stop()
}

async function dropDemoDatabase(config: RuntimeConfig): Promise<void> {
  const store = openStore(config.clickhouse)
  try {
    await store.client.command({ query: withDatabase('DROP DATABASE IF EXISTS {db}', store.database) })
  } finally {
    await store.close()
  }
}

async function waitForStored(store: Store, table: string, expected: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [row] = await (await store.client.query({ query: withDatabase(`SELECT count() AS c FROM {db}.${table} FINAL`, store.database), format: 'JSONEachRow' })).json<{ c: string }>()
    const stored = Number(row?.c ?? 0)
    if (stored >= expected) return
    if (Date.now() > deadline) throw new Error(`only ${stored} of ${expected} rows were stored in ${table} after ${timeoutMs / 1000}s`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
