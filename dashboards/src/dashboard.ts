/**
 * Dashboard assembly: query variables, annotations, the layout (ids and grid positions in
 * reading order) and the dashboard object itself.
 */
import { DATASOURCE, SCHEMA_VERSION, target, type Json, type Obj, type PanelSpec } from './grafana.js'

export interface VariableOptions {
  name: string
  label: string
  description: string
  /**
   * A ClickHouse query returning two columns, the value and the text shown, written with
   * `options(expr)`: the value is hex (./shared.ts says why), the text is the value itself.
   * Grafana selects the first option when the dashboard opens, so the query orders its default first.
   */
  sql: string
  multi?: boolean
  /** Adds "All"; without a custom all value Grafana then substitutes every option's value. */
  includeAll?: boolean
  /** 1: on dashboard load, 2: on time range change (for queries using $__timeFilter). */
  refresh?: 1 | 2
}

/** The two columns of a variable query: `hex(expr) AS __value, expr AS __text`. */
export const options = (expr: string) => `hex(${expr}) AS __value, ${expr} AS __text`

export function queryVariable(v: VariableOptions): Obj {
  const current: Obj = v.includeAll ? { selected: true, text: ['All'], value: ['$__all'] } : {}
  return {
    type: 'query',
    name: v.name,
    label: v.label,
    description: v.description,
    datasource: DATASOURCE,
    // A plain string: plugin v4's metricFindQuery accepts it, and so does its newer CHVariableSupport.
    query: v.sql,
    definition: v.sql,
    refresh: v.refresh ?? 1,
    sort: 0,
    multi: v.multi ?? false,
    includeAll: v.includeAll ?? false,
    current,
    options: [],
    hide: 0,
    regex: '',
    skipUrlSync: false,
  }
}

/**
 * A dashboard annotation from a ClickHouse query returning `time`, `text` and `tags` (comma-separated),
 * and `timeEnd` for a region from `time` to `timeEnd`.
 */
export function annotation(name: string, iconColor: string, rawSql: string): Obj {
  return { name, enable: true, hide: false, iconColor, datasource: DATASOURCE, target: target(rawSql, 'table', 'Anno') }
}

/** Places panels left to right in a 24-column grid, a row header on a line of its own; ids in reading order. */
export function layout(specs: readonly PanelSpec[]): Obj[] {
  let x = 0
  let y = 0
  let lineHeight = 0
  return specs.map((spec, i) => {
    if (spec.panel['type'] === 'row' || x + spec.w > 24) {
      y += lineHeight
      x = 0
      lineHeight = 0
    }
    const gridPos = { h: spec.h, w: spec.w, x, y }
    x += spec.w
    lineHeight = Math.max(lineHeight, spec.h)
    return { id: i + 1, gridPos, ...spec.panel }
  })
}

export interface DashboardOptions {
  uid: string
  title: string
  description: string
  variables: Obj[]
  annotations?: Obj[]
  panels: PanelSpec[]
  from?: string
}

export function dashboard(d: DashboardOptions): Obj {
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['driftwatch'],
    timezone: 'utc',
    editable: false,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: '5m',
    fiscalYearStartMonth: 0,
    liveNow: false,
    time: { from: d.from ?? 'now-30d', to: 'now' },
    timepicker: {},
    links: [
      { type: 'dashboards', title: 'driftwatch', tags: ['driftwatch'], asDropdown: true, includeVars: true, keepTime: true, targetBlank: false, icon: 'external link', tooltip: '', url: '' },
    ],
    annotations: { list: (d.annotations ?? []) as Json[] },
    templating: { list: d.variables as Json[] },
    panels: layout(d.panels) as Json[],
  }
}
