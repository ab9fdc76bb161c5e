/**
 * The Grafana provisioning and every query in it. Structure: the datasource has the plugin v4
 * fields, the provider reads the folder docker-compose mounts, every dashboard is the generator's
 * output, parses, has unique panel ids and points every query at the provisioned datasource.
 * Execution: the real pipeline (embedded mode) fills a fresh database with the demo's loan
 * traffic, labels and dead letters, the evaluator computes the metric tables, a few alert and
 * notification rows are added; then every variable, panel target (once per repeated value) and annotation query is
 * expanded as Grafana and the plugin expand it (./support/grafana-macros.ts) and run on
 * ClickHouse, checking the columns its panel type needs and that it has rows.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { DASHBOARD_FILES, render } from '../dashboards/src/build.js'
import { CHANNEL_NOT_CONFIGURED } from '../src/alerts/service.js'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { allPanels, loadDashboards, repeatValues, selectValue, type Dashboard, type Target } from './support/grafana-dashboards.js'
import { expandMacros, interpolateVariables, renderQuery, type QueryContext, type VariableValue } from './support/grafana-macros.js'
import { count } from './support/query.js'
import { LOAN_MODEL_YAML, loanTraffic } from './support/traffic.js'
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

  it('quotes every variable with :singlequote and leaves the database to the datasource', () => {
    const uids = [...dashboards.values()].map((d) => d.uid)
    expect(new Set(uids).size).toBe(uids.length)
    for (const d of dashboards.values()) {
      const sqls = [...queries(d).map((q) => q.target.rawSql), ...d.templating.list.map((v) => v.query)]
      for (const s of sqls) {
        for (const [ref] of s.matchAll(/\$\{?(?!__)\w+(:\w+)?\}?/g)) expect(ref, `${d.uid}: ${s}`).toMatch(/^\$\{\w+:singlequote\}$/)
        for (const [, table] of s.matchAll(/\b(?:FROM|JOIN)\s+(\w+)\./gi)) expect(table, `${d.uid}: ${s}`).toBe('system')
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

describe('dashboard queries on real pipeline data', () => {
  let app: App
  let tables: string[]
  const dayMs = 86_400_000
  const traffic = loanTraffic(8, 200)
  const firstEventMs = Math.min(...traffic.predictions.map((p) => p.event_time))
  const context = { fromMs: firstEventMs - dayMs, toMs: Date.now() + 10 * 60_000, intervalMs: 3_600_000 }

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

  beforeAll(async () => {
    const config = testConfig({ kafka: false })
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig(LOAN_MODEL_YAML, 'test.yaml'), evaluate: false })
    await app.publisher.publishPredictions(traffic.predictions)
    await app.publisher.publishGroundTruth([...traffic.labels].sort((a, b) => a.label_time - b.label_time))
    const bad = traffic.predictions[0]!
    await app.publisher.publishPredictions([
      { ...bad, prediction_id: 'bad-version', model_version: '' },
      { ...bad, prediction_id: 'bad-time', event_time: Date.now() + 30 * dayMs },
    ])
    const stored = (t: string) => count(app.store, `SELECT count() AS c FROM {db}.${t} FINAL`)
    await waitFor(() => stored('predictions'), (c) => c === traffic.predictions.length, { what: 'predictions stored' })
    await waitFor(() => stored('ground_truth'), (c) => c === traffic.labels.length, { what: 'labels stored' })
    await waitFor(() => stored('dead_letters'), (c) => c === 2, { what: 'dead letters stored' })
    await app.evaluator.evaluateNow()
    const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
    const driftDay = firstEventMs + 6 * dayMs
    const alert = (key: string, status: string, changedMs: number) => ({
      alert_key: key, rule: 'feature-drift', metric: 'drift_score', model_id: 'loan-approval', model_version: 'v1', subject: 'income', status,
      severity: 'warning', value: 0.31, threshold: 0.1, window_start: at(driftDay), details: '{}', changed_at: at(changedMs),
    })
    const notification = (key: string, channel: string, status: string, inDoubt: number) => ({
      idempotency_key: key, channel, transition_ids: ['a1#1'], alert_keys: ['a1'], rule: 'feature-drift', model_id: 'loan-approval',
      model_version: 'v1', transition: 'firing', window_start: at(driftDay), payload: '{}', status, attempts: 1, in_doubt: inDoubt,
      next_attempt_at: at(Date.now()), last_error: status === 'failed' ? 'connect ECONNREFUSED' : '', created_at: at(Date.now() - 60_000),
      updated_at: at(Date.now()), version: 1,
    })
    await app.store.client.insert({
      table: withDatabase(`{db}.alerts`, app.store.database),
      format: 'JSONEachRow',
      values: [alert('a1', 'firing', driftDay + dayMs), alert('a1', 'resolved', driftDay + 3 * dayMs), alert('a2', 'firing', driftDay + 2 * dayMs)],
    })
    await app.store.client.insert({
      table: withDatabase(`{db}.alert_outbox`, app.store.database),
      format: 'JSONEachRow',
      values: [notification('n1', 'slack', 'sent', 0), notification('n2', 'email', 'failed', 0), notification('n3', 'slack', 'sent', 1)],
    })
    const rs = await app.store.client.query({ query: 'SELECT name FROM system.tables WHERE database = {d:String}', query_params: { d: app.store.database }, format: 'JSONEachRow' })
    tables = (await rs.json<{ name: string }>()).map((t) => t.name)
  })
  afterAll(async () => {
    await app?.store.client.command({ query: withDatabase('DROP DATABASE IF EXISTS {db}', app.store.database) })
    await app?.stop()
  })

  it.each(files)('%s: every variable, panel and annotation query runs and returns what its panel needs', async (file) => {
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
      if (r.names.length !== 1 || r.rows.length === 0) failures.push(`variable ${v.name}: needs one column and at least one value, got ${r.names.length} columns, ${r.rows.length} rows`)
      variables[v.name] = selectValue(v, r.rows.map((row) => String(row[0])))
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
})
