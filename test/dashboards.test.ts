/**
 * The Grafana provisioning and every query in it. Structure: the datasource has the plugin v4
 * fields, the provider reads the folder docker-compose mounts, every dashboard is the generator's
 * output, parses, has unique panel ids and points every query at the provisioned datasource.
 * Execution: the real pipeline (embedded mode) fills a fresh database with the demo's loan
 * traffic twice (once as a model, versions, feature, attribute and groups named with backslashes
 * and quotes, with two challenger versions), a small regression model, labels and dead letters;
 * the evaluator computes the metric tables; a few alert and notification rows are added, with a
 * replayed dead letter and alert transition, a stale comparison of an older evaluation and a
 * group too small to judge. Then, for each binary model, every variable, panel target (once per
 * repeated value) and annotation query is expanded as Grafana and the plugin expand it
 * (./support/grafana-macros.ts) and run on ClickHouse, checking the columns its panel type needs
 * and that it has rows; and named cases check what particular panels show.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { DASHBOARD_FILES, render } from '../dashboards/src/build.js'
import { alertDashboard, dashboardUrl } from '../src/alerts/notification.js'
import { CHANNEL_NOT_CONFIGURED } from '../src/alerts/service.js'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { allPanels, loadDashboards, repeatValues, selectValue, type Dashboard, type Target } from './support/grafana-dashboards.js'
import { expandMacros, interpolateVariables, renderQuery, type QueryContext, type VariableValue } from './support/grafana-macros.js'
import { count } from './support/query.js'
import { LOAN_MODEL_YAML, loanTraffic } from './support/traffic.js'
import type { GroundTruthEvent, PredictionEvent } from '../src/ingest/schemas.js'
import { waitFor } from './support/wait.js'
import { withDatabase } from '../src/store/query.js'

const ROOT = join(import.meta.dirname, '..')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')
const dashboards = loadDashboards(join(ROOT, 'dashboards', 'json'))
const files = [...dashboards.keys()]
const datasourceFile = parseYaml(read('dashboards/provisioning/datasources/clickhouse.yaml')) as { datasources: Record<string, unknown>[] }
const providerFile = parseYaml(read('dashboards/provisioning/dashboards/driftwatch.yaml')) as { providers: { options: { path: string } }[] }
const compose = parseYaml(read('docker-compose.yml')) as { services: { grafana: { volumes: string[]; environment: Record<string, string> } } }
const DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'driftwatch-clickhouse' }

/** A variable's value as the dashboards' variable queries return it (hex(x) AS __value). */
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase()
/** What every variable reference in SQL must look like: one value or a list, as hex turned back by unhex. */
const HEX_REFERENCE = /unhex\(\$\{\w+:singlequote\}\)|arrayMap\(v -> unhex\(v\), \[\$\{\w+:singlequote\}\]\)/g

function queries(d: Dashboard): { where: string; target: Target }[] {
  const panels = allPanels(d).flatMap(({ panel }) => (panel.targets ?? []).map((target) => ({ where: `panel ${panel.id} "${panel.title}"`, target })))
  const annotations = d.annotations.list.flatMap((a) => (a.target ? [{ where: `annotation "${a.name}"`, target: a.target }] : []))
  return [...panels, ...annotations]
}

describe('Grafana provisioning', () => {
  it('provisions the ClickHouse datasource with the plugin v4 settings', () => {
    const [ds] = datasourceFile.datasources
    expect(ds).toMatchObject({ uid: DATASOURCE.uid, type: DATASOURCE.type })
    // pkg/plugin/settings.go (LoadSettings) reads these jsonData keys; the password is secure JSON.
    expect(Object.keys(ds!['jsonData'] as object).sort()).toEqual(['defaultDatabase', 'host', 'port', 'protocol', 'secure', 'username'])
    expect(ds!['jsonData']).toMatchObject({ protocol: 'http', secure: false })
    expect(Object.keys(ds!['secureJsonData'] as object)).toEqual(['password'])
    const env = compose.services.grafana.environment
    for (const value of [...Object.values(ds!['jsonData'] as object), ...Object.values(ds!['secureJsonData'] as object)]) {
      for (const [, name] of String(value).matchAll(/\$\{(\w+)\}/g)) expect(env, `grafana service environment lacks ${name}`).toHaveProperty(name!)
    }
    expect(env['CLICKHOUSE_HTTP_PORT']).toBe('8123')
    expect(Object.values(env).some((v) => String(v).includes(DATASOURCE.type)), 'the grafana service installs the plugin').toBe(true)
  })

  it('loads the dashboards from the folder docker-compose mounts', () => {
    const mounts = new Map(compose.services.grafana.volumes.map((v) => [v.split(':')[0], v.split(':')[1]]))
    expect(mounts.get('./dashboards/json')).toBe(providerFile.providers[0]!.options.path)
    expect(mounts.get('./dashboards/provisioning/dashboards')).toBe('/etc/grafana/provisioning/dashboards')
    expect(mounts.get('./dashboards/provisioning/datasources')).toBe('/etc/grafana/provisioning/datasources')
  })

  it('has the JSON that dashboards/src/build.ts generates (regenerate: npx tsx dashboards/src/build.ts)', () => {
    expect(files).toEqual(Object.keys(DASHBOARD_FILES).sort())
    for (const [file, d] of Object.entries(DASHBOARD_FILES)) expect(read(`dashboards/json/${file}`), file).toBe(render(d))
  })

  it('tells the outbox rows that wait for a leader with their channel by the reason the alert service writes', () => {
    const prefix = /startsWith\(last_error, '([^']+)'\)/.exec(read('dashboards/json/pipeline-health.json'))?.[1]
    expect(prefix && CHANNEL_NOT_CONFIGURED.startsWith(prefix)).toBe(true)
  })

  it('has the dashboards alert notifications link to, with the variables their links set', () => {
    for (const [model, version] of [['loan-approval', 'v1'], ['', '']] as const) {
      const url = new URL(dashboardUrl('http://grafana', model, version, 0, 3_600_000)!)
      const d = [...dashboards.values()].find((x) => x.uid === alertDashboard(model).uid)
      expect(d, url.pathname).toBeDefined()
      expect(url.pathname).toBe(`/d/${d!.uid}`)
      const linked = [...url.searchParams.keys()].filter((k) => k.startsWith('var-')).map((k) => k.slice(4))
      expect(linked, d!.uid).toEqual(model ? ['model', 'version'] : [])
      for (const name of linked) expect(d!.templating.list.map((v) => v.name), d!.uid).toContain(name)
    }
  })

  it.each(files)('%s: parses, has a schemaVersion, unique panel ids and the provisioned datasource on every query', (file) => {
    const d = dashboards.get(file)!
    expect(d.uid).toMatch(/^driftwatch-/)
    expect(d.schemaVersion).toBeGreaterThanOrEqual(39)
    const ids = allPanels(d).map(({ panel }) => panel.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const { panel } of allPanels(d)) if (panel.type !== 'row') expect(panel.datasource, `panel ${panel.id}`).toEqual(DATASOURCE)
    for (const { where, target } of queries(d)) {
      expect(target.datasource, where).toEqual(DATASOURCE)
      expect(target, where).toMatchObject({ editorType: 'sql', pluginVersion: expect.stringMatching(/^4\./) })
      expect([target.queryType, target.format], where).toEqual(target.format === 0 ? ['timeseries', 0] : ['table', 1])
    }
    for (const v of d.templating.list) expect([v.type, v.datasource], v.name).toEqual(['query', DATASOURCE])
  })

  it('passes every variable as hex turned back by unhex in SQL, shows its text in titles, and leaves the database to the datasource', () => {
    const uids = [...dashboards.values()].map((d) => d.uid)
    expect(new Set(uids).size).toBe(uids.length)
    for (const d of dashboards.values()) {
      const sqls = [...queries(d).map((q) => q.target.rawSql), ...d.templating.list.map((v) => v.query)]
      for (const s of sqls) {
        for (const [ref] of s.replace(HEX_REFERENCE, '').matchAll(/\$\{?(?!__)\w+(:\w+)?\}?/g)) expect.fail(`${d.uid}: ${ref} is not unhex(\${name:singlequote}) nor arrayMap(v -> unhex(v), [\${name:singlequote}]) in ${s}`)
        for (const [, table] of s.matchAll(/\b(?:FROM|JOIN)\s+(\w+)\./gi)) expect(table, `${d.uid}: ${s}`).toBe('system')
      }
      for (const v of d.templating.list) expect(v.query, v.name).toMatch(/^SELECT DISTINCT hex\((.+)\) AS __value, \1 AS __text FROM /)
      for (const { panel } of allPanels(d)) {
        for (const [ref] of panel.title.matchAll(/\$\{?\w+(:\w+)?\}?/g)) expect(ref, `${d.uid}: ${panel.title}`).toMatch(/^\$\{\w+:text\}$/)
      }
    }
  })
})

describe('macro expansion', () => {
  // pkg/macros/macros_test.go TestInterpolate in grafana/clickhouse-datasource: the same inputs give the same SQL.
  const ctx: QueryContext = { fromMs: Date.parse('2014-11-12T11:45:26.123Z'), toMs: Date.parse('2015-11-12T11:45:26.456Z'), intervalMs: 20_000, variables: {} }
  it.each([
    ['select * from foo where $__timeFilter(cast(sth as timestamp) )', 'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)'],
    ['select * from foo where $__timeFilter_ms(cast(sth as timestamp))', 'select * from foo where cast(sth as timestamp) >= fromUnixTimestamp64Milli(1415792726123) AND cast(sth as timestamp) <= fromUnixTimestamp64Milli(1447328726456)'],
    ['select * from foo where ( date >= $__fromTime and date <= $__toTime ) limit 100', 'select * from foo where ( date >= toDateTime(1415792726) and date <= toDateTime(1447328726) ) limit 100'],
    ['select * from foo where ( date >= $__fromTime_ms ) and ( date <= $__toTime_ms ) limit 100', 'select * from foo where ( date >= fromUnixTimestamp64Milli(1415792726123) ) and ( date <= fromUnixTimestamp64Milli(1447328726456) ) limit 100'],
    ['select $__timeInterval(col) from foo', 'select toStartOfInterval(toDateTime(col), INTERVAL 20 second) from foo'],
    ['select $__timeInterval_ms(col), $__interval_s from foo', 'select toStartOfInterval(toDateTime64(col, 3), INTERVAL 20000 millisecond), 20 from foo'],
    ['where $__dt(d, t)', "where (d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')) AND (t >= toDateTime(1415792726) AND t <= toDateTime(1447328726))"],
  ])('%s', (input, output) => expect(expandMacros(input, ctx)).toBe(output))

  it('formats variables as Grafana does with the plugin formatter', () => {
    const variables: Record<string, VariableValue> = { m: "it's", v: ['v1', 'v2'] }
    expect(interpolateVariables('${m:singlequote} IN (${v:singlequote}) $m ${v} $__timeFilter(t)', variables)).toBe("'it\\'s' IN ('v1','v2') it's 'v1','v2' $__timeFilter(t)")
    // A backslash is left as it is, and ClickHouse would read `\'` as an escaped quote: why the dashboards pass hex values.
    expect(interpolateVariables('${m:singlequote}', { m: 'ops\\tools\\' })).toBe("'ops\\tools\\'")
    expect(() => interpolateVariables('${nope:singlequote}', variables)).toThrow(/unknown template variable/)
    expect(() => expandMacros('$__timeGroup(t, 1h)', ctx)).toThrow()
  })
})

interface Result {
  names: string[]
  types: string[]
  rows: unknown[][]
}

const baseType = (t: string): string => {
  const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t)
  return m ? baseType(m[1]!) : t
}
const isTime = (t: string) => /^(DateTime|DateTime64|Date|Date32)\b/.test(baseType(t))
const isNumber = (t: string) => /^(U?Int\d+|Float\d+|Decimal)/.test(baseType(t))
const isString = (t: string) => /^(String|FixedString|Enum)/.test(baseType(t))

/** What a panel of this type and target format needs from the frame; null when it has it. */
function shapeProblem(panelType: string, target: Target, r: Result): string | null {
  if (r.names.length === 0) return 'no columns'
  if (panelType === 'annotation') {
    const type = (n: string) => r.types[r.names.indexOf(n)] ?? ''
    if (r.names.includes('timeEnd') && !isTime(type('timeEnd'))) return `an annotation's timeEnd must be a time, got ${type('timeEnd')}`
    return isTime(type('time')) && isString(type('text')) && isString(type('tags')) ? null : 'an annotation needs time, text and tags columns'
  }
  if (panelType === 'stat') return r.rows.length === 1 && r.types.some(isNumber) ? null : 'a stat needs one row with a number'
  if (target.format !== 0) return null
  // sqlds time-series format: a time column, numbers, string labels; sorted by time, one value per series and time.
  if (r.names[0] !== 'time' || !isTime(r.types[0]!)) return `the first column must be a time column named time, got ${r.names[0]} ${r.types[0]}`
  const rest = r.types.slice(1)
  if (!rest.some(isNumber) || !rest.every((t) => isNumber(t) || isString(t))) return `values must be numbers and labels strings, got ${r.types.join(', ')}`
  const labels = r.types.map((t, i) => (i === 0 || isString(t) ? i : -1)).filter((i) => i >= 0)
  const keys = r.rows.map((row) => JSON.stringify(labels.map((i) => row[i])))
  if (new Set(keys).size !== keys.length) return 'a series has two values at one time'
  const times = r.rows.map((row) => String(row[0]))
  return times.every((t, i) => i === 0 || times[i - 1]! <= t) ? null : 'rows are not sorted by time'
}

/**
 * A binary model named with backslashes and quotes wherever a dashboard variable takes a value
 * from the data: Grafana's singlequote formatter escapes only `'`, and ClickHouse reads `\` as an
 * escape in a string literal. Its challenger traffic is split between two versions.
 */
const ODD = {
  model: 'ops\\tools\\',
  champion: 'C:\\new',
  challengers: ["it's\\", 'v3'],
  attribute: "gr\\oup's",
  groups: { A: 'A\\', B: "B's" } as Record<string, string>,
  feature: "o'employ\\ment\\",
}
const REGRESSION = 'price-model'
const MODELS_YAML = `${LOAN_MODEL_YAML}  - id: 'ops\\tools\\'
    window: 1d
    allowedLateness: 1h
    positiveClass: approve
    protected: ['gr\\oup''s']
    reference: { previousWindows: 2 }
  - id: ${REGRESSION}
    task: regression
    window: 1d
    allowedLateness: 1h
    reference: { previousWindows: 2 }
`
/** The models every dashboard is run for (the regression model has no fairness, CBPE or comparison rows). */
const BINARY_MODELS = ['loan-approval', ODD.model]

function oddTraffic(days: number, perDay: number): { predictions: PredictionEvent[]; labels: GroundTruthEvent[] } {
  const base = loanTraffic(days, perDay, 11)
  const predictions = base.predictions.map((p, i): PredictionEvent => {
    const { employment, ...features } = p.features
    return {
      ...p,
      prediction_id: `odd-${p.prediction_id}`,
      model_id: ODD.model,
      model_version: p.model_version === 'v1' ? ODD.champion : ODD.challengers[i % 2]!,
      features: { ...features, [ODD.feature]: employment! },
      segments: { [ODD.attribute]: ODD.groups[p.segments['group']!]! },
    }
  })
  return { predictions, labels: base.labels.map((l) => ({ ...l, prediction_id: `odd-${l.prediction_id}` })) }
}

function regressionTraffic(startMs: number, days: number, perDay: number): { predictions: PredictionEvent[]; labels: GroundTruthEvent[] } {
  const dayMs = 86_400_000
  const predictions: PredictionEvent[] = []
  const labels: GroundTruthEvent[] = []
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < perDay; i++) {
      const t = startMs + d * dayMs + Math.floor((i * dayMs) / perDay)
      const sqft = 50 + ((i * 37) % 100)
      const id = `reg-${d}-${i}`
      predictions.push({
        prediction_id: id, model_id: REGRESSION, model_version: 'r1', event_time: t, features: { sqft },
        prediction: { class_label: null, score: null, probabilities: null, value: 1000 * sqft + ((i * 7919) % 2000) - 1000 },
        segments: {}, deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
      })
      labels.push({ prediction_id: id, label: { class_label: null, value: 1000 * sqft }, label_time: t + 3_600_000, source: 'truth' })
    }
  }
  return { predictions, labels }
}

describe('dashboard queries on real pipeline data', () => {
  let app: App
  let tables: string[]
  const dayMs = 86_400_000
  const loan = loanTraffic(8, 200)
  const firstEventMs = Math.min(...loan.predictions.map((p) => p.event_time))
  const odd = oddTraffic(8, 200)
  const regression = regressionTraffic(Math.floor(firstEventMs / dayMs) * dayMs, 4, 60)
  const predictions = [...loan.predictions, ...odd.predictions, ...regression.predictions]
  const labels = [...loan.labels, ...odd.labels, ...regression.labels]
  const context = { fromMs: firstEventMs - dayMs, toMs: Date.now() + 10 * 60_000, intervalMs: 3_600_000 }
  /** The window the test's alerts judged; they fire one to three days after it. */
  const driftDay = firstEventMs + 6 * dayMs
  const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

  /** The datasource's defaultDatabase is the connection's database; here unqualified tables are qualified with the test's. */
  const inDatabase = (s: string) =>
    withDatabase(
      s
        .replace(/\b(FROM|JOIN)(\s+)(\w+)\b(?![.(])/gi, (m, kw: string, space: string, name: string) => (tables.includes(name) ? `${kw}${space}{db}.${name}` : m))
        .replaceAll('currentDatabase()', "'{db}'"),
      app.store.database,
    )

  async function run(sql: string): Promise<Result> {
    const rs = await app.store.client.query({ query: inDatabase(sql), format: 'JSONCompactEachRowWithNamesAndTypes' })
    const [names = [], types = [], ...rows] = (await rs.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown[])
    return { names: names as string[], types: types as string[], rows }
  }

  /** A panel's query (by title, or the annotation's) with these variables, as row objects. */
  async function panelRows(file: string, title: string, variables: Record<string, VariableValue>): Promise<Record<string, unknown>[]> {
    const d = dashboards.get(file)!
    const target = title === 'annotation' ? d.annotations.list[0]!.target! : allPanels(d).find(({ panel }) => panel.title === title)!.panel.targets![0]!
    const r = await run(renderQuery(target.rawSql, { ...context, variables }))
    return r.rows.map((row) => Object.fromEntries(r.names.map((n, i) => [n, row[i]])))
  }

  /** The options of a dashboard's variable with the variables before it set: [value, text] pairs. */
  async function variableOptions(file: string, name: string, variables: Record<string, VariableValue>): Promise<[string, string][]> {
    const v = dashboards.get(file)!.templating.list.find((x) => x.name === name)!
    return (await run(renderQuery(v.query, { ...context, variables }))).rows.map((row) => [String(row[0]), String(row[1])])
  }

  beforeAll(async () => {
    const config = testConfig({ kafka: false })
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig(MODELS_YAML, 'test.yaml'), evaluate: false })
    await app.publisher.publishPredictions(predictions)
    await app.publisher.publishGroundTruth([...labels].sort((a, b) => a.label_time - b.label_time))
    const bad = loan.predictions[0]!
    await app.publisher.publishPredictions([
      { ...bad, prediction_id: 'bad-version', model_version: '' },
      { ...bad, prediction_id: 'bad-time', event_time: Date.now() + 30 * dayMs },
    ])
    const stored = (t: string) => count(app.store, `SELECT count() AS c FROM {db}.${t} FINAL`)
    await waitFor(() => stored('predictions'), (c) => c === predictions.length, { what: 'predictions stored' })
    await waitFor(() => stored('ground_truth'), (c) => c === labels.length, { what: 'labels stored' })
    await waitFor(() => stored('dead_letters'), (c) => c === 2, { what: 'dead letters stored' })
    await app.evaluator.evaluateNow()
    const db = (s: string) => withDatabase(s, app.store.database)
    // a3 is a row stored before the alerts table had window_end (it reads 1970).
    const alert = (model: string, key: string, seq: number, status: string, changedMs: number) => ({
      alert_key: key, rule: 'feature-drift', metric: 'drift_score', model_id: model, model_version: 'v1', subject: 'income', status,
      severity: 'warning', value: 0.31, threshold: 0.1, window_start: at(driftDay), ...(key === 'a3' ? {} : { window_end: at(driftDay + dayMs) }),
      details: '{}', changed_at: at(changedMs), transition_id: `${key}#${seq}`, seq,
    })
    const notification = (key: string, channel: string, status: string, inDoubt: number) => ({
      idempotency_key: key, channel, transition_ids: ['a1#1'], alert_keys: ['a1'], rule: 'feature-drift', model_id: 'loan-approval',
      model_version: 'v1', transition: 'firing', window_start: at(driftDay), payload: '{}', status, attempts: 1, in_doubt: inDoubt,
      next_attempt_at: at(Date.now()), last_error: status === 'failed' ? 'connect ECONNREFUSED' : '', created_at: at(Date.now() - 60_000),
      updated_at: at(Date.now()), version: 1,
    })
    await app.store.client.insert({
      table: db(`{db}.alerts`),
      format: 'JSONEachRow',
      values: [
        alert('loan-approval', 'a1', 1, 'firing', driftDay + dayMs), alert('loan-approval', 'a1', 2, 'resolved', driftDay + 3 * dayMs),
        alert('loan-approval', 'a2', 1, 'firing', driftDay + 2 * dayMs), alert(ODD.model, 'a3', 1, 'firing', driftDay + dayMs),
      ],
    })
    // A re-run alert pass stores transition a1#1 again, two seconds later.
    await app.store.client.insert({ table: db(`{db}.alerts`), format: 'JSONEachRow', values: [alert('loan-approval', 'a1', 1, 'firing', driftDay + dayMs + 2000)] })
    await app.store.client.insert({
      table: db(`{db}.alert_outbox`),
      format: 'JSONEachRow',
      values: [notification('n1', 'slack', 'sent', 0), notification('n2', 'email', 'failed', 0), notification('n3', 'slack', 'sent', 1)],
    })
    // A replayed batch dead-letters both records again (same source offsets, a later time).
    await app.store.client.command({ query: db(`INSERT INTO {db}.dead_letters SELECT * REPLACE (dead_lettered_at + INTERVAL 1 SECOND AS dead_lettered_at) FROM {db}.dead_letters`) })
    // An older evaluation of the odd model's windows compared another champion: rows under keys of their own.
    // (eval_version is also the time retention counts from: one ms older, not an ancient one.)
    await app.store.client.command({
      query: db(`INSERT INTO {db}.comparison SELECT * REPLACE ('retired' AS champion_version, eval_version - 1 AS eval_version) FROM {db}.comparison FINAL WHERE model_id = {m:String}`),
      query_params: { m: ODD.model },
    })
    const rs = await app.store.client.query({ query: 'SELECT name FROM system.tables WHERE database = {d:String}', query_params: { d: app.store.database }, format: 'JSONEachRow' })
    tables = (await rs.json<{ name: string }>()).map((t) => t.name)
  })
  afterAll(async () => {
    await app?.store.client.command({ query: withDatabase('DROP DATABASE IF EXISTS {db}', app.store.database) })
    await app?.stop()
  })

  const cases = files.flatMap((file) => (dashboards.get(file)!.templating.list.length === 0 ? [[file, '']] : BINARY_MODELS.map((m) => [file, m])))
  it.each(cases)('%s (model %s): every variable, panel and annotation query runs and returns what its panel needs', async (file, model) => {
    const d = dashboards.get(file)!
    const failures: string[] = []
    const variables: Record<string, VariableValue> = {}
    const attempt = async (where: string, rawSql: string, vars: Record<string, VariableValue>): Promise<Result | null> => {
      let sql = rawSql
      try {
        sql = renderQuery(rawSql, { ...context, variables: vars })
        if (sql.includes('$')) throw new Error('an unexpanded $ is left')
        return await run(sql)
      } catch (e) {
        failures.push(`${where}: ${(e as Error).message}\n${sql}`)
        return null
      }
    }
    for (const v of d.templating.list) {
      const r = await attempt(`variable ${v.name}`, v.query, variables)
      if (!r) continue
      if (r.rows.length === 0) failures.push(`variable ${v.name}: no values`)
      // The plugin's metricFindQuery: the first column is the value, the second the text.
      const bad = r.rows.find((row) => row.length !== 2 || row[0] !== hex(String(row[1])))
      if (bad) failures.push(`variable ${v.name}: needs the columns hex(x), x; got ${JSON.stringify(r.names)} ${JSON.stringify(bad)}`)
      const values = r.rows.map((row) => String(row[0]))
      if (v.name === 'model') {
        if (!values.includes(hex(model))) failures.push(`variable model: ${model} is not among ${JSON.stringify(r.rows.map((row) => row[1]))}`)
        variables['model'] = hex(model)
      } else {
        variables[v.name] = selectValue(v, values)
      }
    }
    for (const { panel, repeat } of allPanels(d)) {
      const scopes = repeat ? repeatValues(variables[repeat]).map((x) => ({ ...variables, [repeat]: x })) : [variables]
      if (panel.targets && scopes.length === 0) failures.push(`panel ${panel.id} "${panel.title}": repeats over ${repeat}, which has no values`)
      for (const target of panel.targets ?? []) {
        for (const scope of scopes) {
          const where = `panel ${panel.id} "${panel.title}"${repeat ? ` (${repeat}=${String(scope[repeat])})` : ''}`
          const r = await attempt(where, target.rawSql, scope)
          if (!r) continue
          const problem = shapeProblem(panel.type, target, r)
          if (problem) failures.push(`${where}: ${problem}`)
          if (r.rows.length === 0) failures.push(`${where}: no rows`)
        }
      }
    }
    for (const a of d.annotations.list) {
      const r = a.target && (await attempt(`annotation "${a.name}"`, a.target.rawSql, variables))
      if (!r) continue
      const problem = shapeProblem('annotation', a.target!, r)
      if (problem) failures.push(`annotation "${a.name}": ${problem}`)
      if (r.rows.length === 0) failures.push(`annotation "${a.name}": no rows`)
    }
    expect(failures).toEqual([])
  })

  const oddVariables = { model: hex(ODD.model), version: [ODD.champion, ...ODD.challengers].map(hex), variant: ['all', 'champion', 'challenger'].map(hex) }

  it('shows only the comparisons of each window\'s newest evaluation, not pairs an older one compared', async () => {
    const variables = { ...oddVariables, metric: [hex('accuracy')] }
    expect(await count(app.store, "SELECT count() AS c FROM {db}.comparison FINAL WHERE champion_version = 'retired'")).toBeGreaterThan(0)
    const table = await panelRows('performance.json', 'Comparison per window', variables)
    expect(table.length).toBeGreaterThan(0)
    expect(table.filter((r) => r['champion_version'] === 'retired')).toEqual([])
    const series = await panelRows('performance.json', 'Challenger − champion per window', variables)
    expect(series.length).toBeGreaterThan(0)
    expect(series.filter((r) => String(r['series']).endsWith(' − retired'))).toEqual([])
  })

  it('labels each challenger version\'s comparison and sums up each version of a variant on its own', async () => {
    const variables = { ...oddVariables, metric: [hex('accuracy')] }
    const series = (await panelRows('performance.json', 'Challenger − champion per window', variables)).filter((r) => String(r['series']).startsWith('accuracy: '))
    expect(new Set(series.map((r) => r['series']))).toEqual(new Set(ODD.challengers.map((c) => `accuracy: ${c} − ${ODD.champion}`)))
    const table = await panelRows('performance.json', 'Champion vs challenger over the time range', variables)
    expect(table.map((r) => [r['variant'], r['version']]).sort()).toEqual([['challenger', ODD.challengers[0]], ['challenger', ODD.challengers[1]], ['champion', ODD.champion]].sort())
  })

  it('reads ids, versions, features, attributes and groups with backslashes and quotes', async () => {
    expect((await variableOptions('model-overview.json', 'model', {})).map(([, text]) => text)).toEqual([...BINARY_MODELS, REGRESSION].sort())
    expect((await variableOptions('fairness.json', 'attribute', { model: hex(ODD.model) })).map(([, text]) => text)).toEqual([ODD.attribute])
    const groups = await variableOptions('fairness.json', 'group', { model: hex(ODD.model), attribute: hex(ODD.attribute) })
    expect(groups.map(([, text]) => text)).toEqual(Object.values(ODD.groups).sort())
    const stat = await panelRows('model-overview.json', 'Predictions', { ...oddVariables, metric: hex('roc_auc') })
    expect(Number(stat[0]!['predictions'])).toBe(odd.predictions.length)
    const feature = await panelRows('feature-drift.json', '${feature:text}: drift vs threshold', { model: hex(ODD.model), version: hex(ODD.champion), feature: hex(ODD.feature), window: '' })
    expect(feature.length).toBeGreaterThan(0)
  })

  it('lists realized metrics of every task in the model overview, the task\'s headline metric first', async () => {
    for (const [model, headline] of [['loan-approval', 'roc_auc'], [ODD.model, 'roc_auc'], [REGRESSION, 'mae']] as const) {
      const options = await variableOptions('model-overview.json', 'metric', { model: hex(model) })
      expect(options[0]?.[1], model).toBe(headline)
      const versions = model === REGRESSION ? [hex('r1')] : oddVariables.version.concat(['v1', 'v2'].map(hex))
      const rows = await panelRows('model-overview.json', 'Realized vs estimated ${metric:text}', { model: hex(model), version: versions, metric: options[0]![0] })
      expect(rows.length, model).toBeGreaterThan(0)
    }
  })

  it('shows no rows, rather than an error, in the window detail when the window variable has no value', async () => {
    const rows = await panelRows('feature-drift.json', 'Every column in window ${window:text}', { model: hex('loan-approval'), version: hex('v1'), feature: [], window: '' })
    expect(rows).toEqual([])
  })

  it('counts a replayed dead letter and a re-stored alert transition once', async () => {
    const range = { ...context, intervalMs: 30 * dayMs }
    const sum = (rows: Record<string, unknown>[], column: string) => rows.reduce((s, r) => s + Number(r[column]), 0)
    const ph = 'pipeline-health.json'
    const byCode = await run(renderQuery(allPanels(dashboards.get(ph)!).find(({ panel }) => panel.title === 'Dead letters by code')!.panel.targets![0]!.rawSql, { ...range, variables: {} }))
    expect(byCode.rows.reduce((s, r) => s + Number(r[2]), 0)).toBe(2)
    expect(sum(await panelRows(ph, 'Dead letters by topic and code', {}), 'dead_letters')).toBe(2)
    const changes = await run(renderQuery(allPanels(dashboards.get(ph)!).find(({ panel }) => panel.title === 'Alert state changes')!.panel.targets![0]!.rawSql, { ...range, variables: {} }))
    expect(changes.rows.reduce((s, r) => s + Number(r[2]), 0)).toBe(4)
    const model = { model: hex('loan-approval') }
    expect((await panelRows('model-overview.json', 'Alert history', model)).map((r) => `${r['alert_key']} ${r['status']}`).sort()).toEqual(['a1 firing', 'a1 resolved', 'a2 firing'])
    expect(await panelRows('model-overview.json', 'annotation', model)).toHaveLength(2)
  })

  it('draws a fired alert as a region over the window that breached, found by that window whenever the alert fired', async () => {
    const d = dashboards.get('model-overview.json')!
    const annotationRows = async (model: string, fromMs: number, toMs: number) => {
      const r = await run(renderQuery(d.annotations.list[0]!.target!.rawSql, { ...context, fromMs, toMs, variables: { model: hex(model) } }))
      return r.rows.map((row) => Object.fromEntries(r.names.map((n, i) => [n, row[i]])))
    }
    // Every model dashboard draws the same markers.
    for (const other of dashboards.values()) if (other.annotations.list.length) expect(other.annotations.list[0]!.target!.rawSql, other.uid).toBe(d.annotations.list[0]!.target!.rawSql)
    const hour = 3_600_000
    // a1 fired a day after its window (stored twice by a re-run pass), a2 two days after.
    const all = await annotationRows('loan-approval', context.fromMs, context.toMs)
    expect(all.map((r) => [r['time'], r['timeEnd']])).toEqual([[at(driftDay), at(driftDay + dayMs)], [at(driftDay), at(driftDay + dayMs)]])
    // The text says when it fired (a1: its newest copy).
    const fired = (ms: number) => `; fired ${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
    expect(all.map((r) => /; fired .*$/.exec(String(r['text']))?.[0]).sort()).toEqual([fired(driftDay + dayMs + 2000), fired(driftDay + 2 * dayMs)].sort())
    // A range holding the window but ending before either alert fired shows both.
    expect(await annotationRows('loan-approval', driftDay - hour, driftDay + 12 * hour)).toHaveLength(2)
    // A range after the window, holding only the time a2 fired, shows none.
    expect(await annotationRows('loan-approval', driftDay + 2 * dayMs - hour, driftDay + 2 * dayMs + hour)).toEqual([])
    // A row stored without window_end: a marker at the window's start.
    const legacy = await annotationRows(ODD.model, driftDay - hour, driftDay + hour)
    expect(legacy.map((r) => [r['time'], r['timeEnd']])).toEqual([[at(driftDay), at(driftDay)]])
  })

  it('gives every window of the drift table its status, so a window without a drift share says why', async () => {
    const rows = await panelRows('feature-drift.json', 'Drifted features per window', { model: hex('loan-approval'), version: hex('v1') })
    // NaN is null in ClickHouse's JSON.
    const shared = (r: Record<string, unknown>) => r['drift_share'] !== null && Number.isFinite(Number(r['drift_share']))
    expect(rows.filter((r) => !shared(r)).map((r) => r['status'])).toEqual(['no_reference'])
    expect(rows.filter(shared).map((r) => r['status'])).toEqual(rows.filter(shared).map(() => 'ok'))
  })

  it('leaves the windows a group was too small to judge out of its rates over the time range, as the time series do', async () => {
    // The challenger's groups are below minGroupSize in some windows; their rates are stored with status insufficient.
    const variables = { model: hex('loan-approval'), version: ['v1', 'v2'].map(hex), attribute: hex('group'), group: ['A', 'B'].map(hex) }
    const table = await panelRows('fairness.json', 'Groups over the time range', variables)
    const judged = await run(`
      SELECT model_version, group_value, avg(value) FROM fairness FINAL
      WHERE model_id = 'loan-approval' AND attribute = 'group' AND metric = 'selection_rate' AND status = 'ok' AND isFinite(value)
      GROUP BY model_version, group_value`)
    const judgedRate = new Map(judged.rows.map(([v, g, rate]) => [`${v} ${g}`, Number(rate)]))
    const small = table.filter((r) => Number(r['windows_too_small']) > 0)
    expect(small.length).toBeGreaterThan(0)
    for (const r of table) {
      const expected = judgedRate.get(`${r['model_version']} ${r['group']}`)
      if (expected === undefined) expect(r['selection_rate'], JSON.stringify(r)).toBeNull()
      else expect(Number(r['selection_rate']), JSON.stringify(r)).toBeCloseTo(expected, 12)
    }
  })
})
