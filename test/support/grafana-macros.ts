/**
 * What Grafana and the ClickHouse plugin (grafana-clickhouse-datasource v4) do to a query's SQL
 * before ClickHouse sees it, so the dashboard tests run exactly that SQL.
 *
 * 1. Frontend, Datasource.applyTemplateVariables (src/data/CHDatasource.ts): the template
 *    service's replace(sql, scopedVars, this.format). Variable syntax is Grafana's
 *    `$name`, `${name}`, `${name:format}` (and the legacy `[[name]]`). With an explicit format
 *    that format's formatter applies; otherwise the plugin's format(): an array becomes
 *    `'a','b'`, a single value is inserted bare. The `singlequote` formatter (@grafana/scenes
 *    formatRegistry) quotes each value and escapes `'` as `\'`, joining with commas; `sqlstring`
 *    doubles `'`. Neither escapes a backslash, which ClickHouse reads as an escape in a string
 *    literal: the dashboards pass hex values instead (dashboards/src/shared.ts). Names Grafana
 *    does not know (such as the plugin's `$__macros`) are left as written.
 *    A multi-value variable set to All, without a custom all value, is every option's value.
 * 2. Backend, sqlutil.Interpolate (grafana-plugin-sdk-go data/sqlutil/macros.go, which sqlds
 *    v4 calls with the plugin's pkg/macros/macros.go): macros are applied longest name first;
 *    each `$__name\b` optionally followed by a bracketed argument list (balanced brackets, split
 *    on top-level commas, arguments trimmed) is replaced by the macro's expansion. The plugin's
 *    macros override the SDK defaults of the same name:
 *      $__timeFilter(c)     c >= toDateTime(<from s>) AND c <= toDateTime(<to s>)
 *      $__timeFilter_ms(c)  c >= fromUnixTimestamp64Milli(<from ms>) AND c <= fromUnixTimestamp64Milli(<to ms>)
 *      $__dateFilter(c)     c >= toDate('<from date>') AND c <= toDate('<to date>')
 *      $__dateTimeFilter(d, t), $__dt(d, t)   (date filter on d) AND (time filter on t), each parenthesized
 *      $__fromTime, $__toTime          toDateTime(<s>)
 *      $__fromTime_ms, $__toTime_ms    fromUnixTimestamp64Milli(<ms>)
 *      $__timeInterval(c)     toStartOfInterval(toDateTime(c), INTERVAL <max(interval s, 1)> second)
 *      $__timeInterval_ms(c)  toStartOfInterval(toDateTime64(c, 3), INTERVAL <max(interval ms, 1)> millisecond)
 *      $__interval_s          <max(interval s, 1)>
 *    and from the SDK: $__interval_ms (interval in ms). Seconds are Go's time.Unix() (floor),
 *    intervals truncated to whole seconds / milliseconds as Go's int() conversion does.
 * What is not implemented throws, so a dashboard using it fails its test instead of running
 * different SQL than Grafana would: the SDK's generic $__timeGroup, $__table, $__column,
 * $__timeFrom(c) and $__timeTo(c) (SQL Server-style, wrong for ClickHouse), Grafana's global
 * $__interval (replaced in the browser from the panel's interval), other variable formats, and
 * unknown variables. The plugin's frontend-only $__conditionalAll is not implemented either: a
 * leftover `$` fails the test.
 */

export type VariableValue = string | readonly string[]

export interface QueryContext {
  readonly fromMs: number
  readonly toMs: number
  /** The panel's interval (Grafana derives it from the range and the panel width). */
  readonly intervalMs: number
  readonly variables: Readonly<Record<string, VariableValue>>
}

const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g

function singleQuote(value: VariableValue): string {
  const quote = (v: string) => `'${v.replace(/'/g, "\\'")}'`
  return typeof value === 'string' ? quote(value) : value.map(quote).join(',')
}

function sqlString(value: VariableValue): string {
  const quote = (v: string) => `'${v.replace(/'/g, "''")}'`
  return typeof value === 'string' ? quote(value) : value.map(quote).join(',')
}

/** CHDatasource.format: what a variable without an explicit format becomes. */
function pluginFormat(value: VariableValue): string {
  return typeof value === 'string' ? value : `'${value.join("','")}'`
}

const FORMATS: Record<string, (v: VariableValue) => string> = {
  singlequote: singleQuote,
  sqlstring: sqlString,
  raw: (v) => (typeof v === 'string' ? v : v.join(',')),
  csv: (v) => (typeof v === 'string' ? v : v.join(',')),
}

export function interpolateVariables(rawSql: string, variables: QueryContext['variables']): string {
  return rawSql.replace(VARIABLE, (match, bare?: string, legacy?: string, legacyFormat?: string, braced?: string, fieldPath?: string, format?: string) => {
    const name = bare ?? legacy ?? braced!
    if (!(name in variables)) {
      if (name.startsWith('__')) return match // a plugin macro, or a global Grafana leaves to the backend
      throw new Error(`unknown template variable ${match}`)
    }
    if (fieldPath) throw new Error(`field paths are not supported: ${match}`)
    const value = variables[name]!
    const fmt = format ?? legacyFormat
    if (fmt === undefined) return pluginFormat(value)
    const formatter = FORMATS[fmt]
    if (!formatter) throw new Error(`variable format ${fmt} is not implemented in the test (${match})`)
    return formatter(value)
  })
}

/** sqlutil parseArgs: a bracketed list at the start, split on top-level commas; [null, 0] when absent, [null, -1] when unclosed. */
function parseArgs(s: string): [string[] | null, number] {
  if (!s.startsWith('(')) return [null, 0]
  const args: string[] = []
  let depth = 0
  let arg = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '(' && ++depth === 1) continue
    if (c === ')' && --depth === 0) return [[...args, arg.trim()], i + 1]
    if (c === ',' && depth === 1) {
      args.push(arg.trim())
      arg = ''
      continue
    }
    arg += c
  }
  return [null, -1]
}

type Macro = (args: readonly string[], ctx: QueryContext) => string

const seconds = (ms: number) => Math.floor(ms / 1000)
const dateTime = (ms: number) => `toDateTime(${seconds(ms)})`
const dateTime64 = (ms: number) => `fromUnixTimestamp64Milli(${Math.floor(ms)})`
const date = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`
const intervalS = (ctx: QueryContext) => Math.trunc(Math.max(ctx.intervalMs / 1000, 1))

function arity(n: number, f: Macro): Macro {
  return (args, ctx) => {
    if (args.length !== n) throw new Error(`unexpected number of arguments: expected ${n} argument${n > 1 ? 's' : ''}, received ${args.length}`)
    return f(args, ctx)
  }
}

const range = (c: string, f: (ms: number) => string, ctx: QueryContext) => `${c} >= ${f(ctx.fromMs)} AND ${c} <= ${f(ctx.toMs)}`
const unsupported = (name: string): Macro => () => {
  throw new Error(`$__${name} is not a ClickHouse plugin macro the dashboards may use`)
}

export const MACROS: Readonly<Record<string, Macro>> = {
  // grafana-plugin-sdk-go sqlutil defaults the plugin does not override
  interval_ms: (_, ctx) => String(Math.trunc(ctx.intervalMs)),
  interval: unsupported('interval'),
  timeFrom: unsupported('timeFrom'),
  timeTo: unsupported('timeTo'),
  timeGroup: unsupported('timeGroup'),
  table: unsupported('table'),
  column: unsupported('column'),
  // grafana/clickhouse-datasource pkg/macros/macros.go
  fromTime: (_, ctx) => dateTime(ctx.fromMs),
  toTime: (_, ctx) => dateTime(ctx.toMs),
  fromTime_ms: (_, ctx) => dateTime64(ctx.fromMs),
  toTime_ms: (_, ctx) => dateTime64(ctx.toMs),
  timeFilter: arity(1, ([c], ctx) => range(c!, dateTime, ctx)),
  timeFilter_ms: arity(1, ([c], ctx) => range(c!, dateTime64, ctx)),
  dateFilter: arity(1, ([c], ctx) => range(c!, date, ctx)),
  dateTimeFilter: arity(2, ([d, t], ctx) => `(${range(d!, date, ctx)}) AND (${range(t!, dateTime, ctx)})`),
  dt: arity(2, ([d, t], ctx) => `(${range(d!, date, ctx)}) AND (${range(t!, dateTime, ctx)})`),
  timeInterval: arity(1, ([c], ctx) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${intervalS(ctx)} second)`),
  timeInterval_ms: arity(1, ([c], ctx) => `toStartOfInterval(toDateTime64(${c}, 3), INTERVAL ${Math.trunc(Math.max(ctx.intervalMs, 1))} millisecond)`),
  interval_s: (_, ctx) => String(intervalS(ctx)),
}

export function expandMacros(rawSql: string, ctx: QueryContext): string {
  let out = rawSql
  const names = Object.keys(MACROS).sort((a, b) => b.length - a.length)
  for (const name of names) {
    const matches: { full: string; args: string[] }[] = []
    for (const m of out.matchAll(new RegExp(`\\$__${name}\\b`, 'g'))) {
      const end = m.index + m[0].length
      const [args, length] = parseArgs(out.slice(end))
      if (length < 0) throw new Error(`failed to parse macro arguments (missing close bracket?) at ${out.slice(m.index, m.index + 60)}`)
      matches.push({ full: out.slice(m.index, end + length), args: args ?? [] })
    }
    for (const { full, args } of matches) out = out.replaceAll(full, MACROS[name]!(args, ctx))
  }
  return out
}

/** The SQL ClickHouse receives for a panel target or variable query: variables first (frontend), then macros (backend). */
export function renderQuery(rawSql: string, ctx: QueryContext): string {
  return expandMacros(interpolateVariables(rawSql, ctx.variables), ctx)
}
