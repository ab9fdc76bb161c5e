/**
 * Builders for the Grafana dashboard JSON (schemaVersion 39) that ./build.ts writes to
 * ../json. Only what our dashboards use: SQL targets of the official ClickHouse plugin
 * (grafana-clickhouse-datasource v4), query variables, and a handful of panel types.
 *
 * Plugin v4 query shape (src/types/sql.ts, src/types/queryBuilder.ts of grafana/clickhouse-datasource):
 *   { editorType: 'sql', queryType: 'timeseries' | 'table', format: 0 | 1, rawSql, pluginVersion }
 * `format` is sqlds' FormatOption (0 time series, 1 table; mapQueryTypeToGrafanaFormat). With 0 the
 * backend turns a long frame (time, string label columns, numbers) into one series per label
 * value, which needs the rows sorted by time. `pluginVersion` >= 4.0.0 keeps the plugin from
 * treating the query as a v3 one and migrating it (src/data/migration.ts, isV3CHQuery).
 *
 * Long time-series queries name their one value column `Value`: Grafana leaves that name out of
 * a series' display name (calculateFieldDisplayName skips TIME_SERIES_VALUE_FIELD_NAME), so the
 * legend reads "v1 estimated" rather than "value v1 estimated".
 */

export const DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'driftwatch-clickhouse' } as const
export const PLUGIN_QUERY_VERSION = '4.0.0'
export const SCHEMA_VERSION = 39

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type Obj = { [key: string]: Json }

export interface Target extends Obj {
  refId: string
  datasource: typeof DATASOURCE
  editorType: 'sql'
  queryType: 'timeseries' | 'table'
  format: 0 | 1
  pluginVersion: string
  rawSql: string
}

/**
 * SQL from a template literal, with the literal's common indentation stripped so the query reads
 * well in the JSON and in Grafana's editor. A multi-line value keeps the indentation of the line
 * it is inserted on. Write Grafana variables with ./shared.ts's one() and each() (values are hex).
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): string {
  const marker = (i: number) => `\u0000${i}\u0000`
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? marker(i) : ''), '')
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n')
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length))
  return lines
    .map((l) => l.slice(indent))
    .map((l) => l.replace(/\u0000(\d+)\u0000/g, (_, i: string) => String(values[Number(i)]).replaceAll('\n', `\n${' '.repeat(l.length - l.trimStart().length)}`)))
    .join('\n')
}

export function target(rawSql: string, kind: 'timeseries' | 'table', refId = 'A'): Target {
  return {
    refId,
    datasource: DATASOURCE,
    editorType: 'sql',
    queryType: kind,
    format: kind === 'timeseries' ? 0 : 1,
    pluginVersion: PLUGIN_QUERY_VERSION,
    rawSql,
  }
}

/** A panel before layout: the builders below return these, dashboard() assigns ids and positions. */
export interface PanelSpec {
  readonly w: number
  readonly h: number
  readonly panel: Obj
}

interface Common {
  title: string
  description: string
  sql: string
  w?: number
  h?: number
  unit?: string
  min?: number
  max?: number
  decimals?: number
  /** Repeat the panel once per selected value of this variable (Grafana's panel repeat). */
  repeat?: string
  overrides?: Obj[]
}

const steps = (...s: [string, number | null][]): Json => ({ mode: 'absolute', steps: s.map(([color, value]) => ({ color, value })) })

function base(type: string, c: Common, kind: 'timeseries' | 'table', defaults: Obj, options: Obj): PanelSpec {
  const fieldDefaults: Obj = { ...defaults }
  if (c.unit !== undefined) fieldDefaults['unit'] = c.unit
  if (c.min !== undefined) fieldDefaults['min'] = c.min
  if (c.max !== undefined) fieldDefaults['max'] = c.max
  if (c.decimals !== undefined) fieldDefaults['decimals'] = c.decimals
  const panel: Obj = {
    type,
    title: c.title,
    description: c.description,
    datasource: DATASOURCE,
    targets: [target(c.sql, kind)],
    fieldConfig: { defaults: fieldDefaults, overrides: c.overrides ?? [] },
    options,
  }
  if (c.repeat) Object.assign(panel, { repeat: c.repeat, repeatDirection: 'h', maxPerRow: 2 })
  return { w: c.w ?? 12, h: c.h ?? 8, panel }
}

export interface TimeseriesOptions extends Common {
  /** A fixed threshold drawn as a dashed line (e.g. the 0.8 rule for parity ratios). */
  thresholdLine?: number
  bars?: boolean
}

export function timeseries(c: TimeseriesOptions): PanelSpec {
  const custom: Obj = {
    drawStyle: c.bars ? 'bars' : 'line',
    lineWidth: 2,
    fillOpacity: c.bars ? 60 : 0,
    showPoints: 'always',
    pointSize: 5,
    spanNulls: false,
    thresholdsStyle: { mode: c.thresholdLine === undefined ? 'off' : 'dashed' },
  }
  const thresholds = c.thresholdLine === undefined ? steps(['green', null]) : steps(['red', null], ['green', c.thresholdLine])
  return base('timeseries', c, 'timeseries', { color: { mode: 'palette-classic' }, custom, thresholds }, {
    legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
    tooltip: { mode: 'multi', sort: 'desc' },
  })
}

/** One row per time and series, coloured by value mappings: which feature drifted in which window. */
export function statusHistory(c: Common & { mappings: Json[] }): PanelSpec {
  return base('status-history', c, 'timeseries', { color: { mode: 'thresholds' }, mappings: c.mappings, thresholds: steps(['green', null]) }, {
    showValue: 'never',
    rowHeight: 0.9,
    colWidth: 0.9,
    legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
    tooltip: { mode: 'single', sort: 'none' },
  })
}

export function table(c: Common): PanelSpec {
  return base('table', c, 'table', { custom: { align: 'auto', cellOptions: { type: 'auto' } } }, {
    showHeader: true,
    cellHeight: 'sm',
    footer: { show: false, reducer: ['sum'], fields: '' },
  })
}

export function stat(c: Common & { thresholds?: [string, number | null][] }): PanelSpec {
  return base('stat', { w: 6, h: 4, ...c }, 'table', { color: { mode: 'thresholds' }, thresholds: steps(...(c.thresholds ?? [['blue', null]])) }, {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    colorMode: 'value',
    graphMode: 'none',
    justifyMode: 'auto',
    textMode: 'auto',
    orientation: 'auto',
  })
}

/** A full-width row header; with `repeat`, the row and the panels under it repeat per value. */
export function row(title: string, repeat?: string): PanelSpec {
  const panel: Obj = { type: 'row', title, collapsed: false, panels: [] }
  if (repeat) panel['repeat'] = repeat
  return { w: 24, h: 1, panel }
}
