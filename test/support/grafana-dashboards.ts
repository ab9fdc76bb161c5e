/**
 * Walks provisioned Grafana dashboards the way Grafana runs them: panels (rows included, and
 * the panels a repeated row or panel repeats), their targets, the annotation queries, and the
 * query variables resolved in order, each with the values of the ones before it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { VariableValue } from './grafana-macros.js'

export interface Target {
  refId: string
  datasource?: { type: string; uid: string }
  editorType?: string
  queryType?: string
  format?: number
  pluginVersion?: string
  rawSql: string
}

export interface Panel {
  id: number
  type: string
  title: string
  datasource?: { type: string; uid: string }
  targets?: Target[]
  repeat?: string
  panels?: Panel[]
}

export interface QueryVariable {
  type: string
  name: string
  query: string
  datasource?: { type: string; uid: string }
  multi?: boolean
  includeAll?: boolean
  current?: { value?: string | string[] }
}

export interface Annotation {
  name: string
  datasource?: { type: string; uid: string }
  target?: Target
}

export interface Dashboard {
  uid: string
  title: string
  schemaVersion: number
  panels: Panel[]
  templating: { list: QueryVariable[] }
  annotations: { list: Annotation[] }
}

export function loadDashboards(dir: string): Map<string, Dashboard> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  return new Map(files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Dashboard]))
}

/** Every panel, nested ones included, with the variable it is repeated over (its own or its row's). */
export function allPanels(d: Dashboard): { panel: Panel; repeat: string | undefined }[] {
  const out: { panel: Panel; repeat: string | undefined }[] = []
  let rowRepeat: string | undefined
  for (const panel of d.panels) {
    if (panel.type === 'row') {
      rowRepeat = panel.repeat
      out.push({ panel, repeat: undefined })
      for (const nested of panel.panels ?? []) out.push({ panel: nested, repeat: nested.repeat ?? panel.repeat })
      continue
    }
    out.push({ panel, repeat: panel.repeat ?? rowRepeat })
  }
  return out
}

/**
 * A query variable's value once its options are known: All (every option, Grafana's behaviour
 * without a custom all value) when it includes All, else the saved current value when it is an
 * option, else the first option; a multi-value variable's value is a list.
 */
export function selectValue(v: QueryVariable, options: readonly string[]): VariableValue {
  if (v.includeAll) return [...options]
  const saved = Array.isArray(v.current?.value) ? v.current.value[0] : v.current?.value
  const chosen = saved !== undefined && options.includes(saved) ? saved : (options[0] ?? '')
  return v.multi ? [chosen] : chosen
}

/** The single values a repeated panel is cloned for. */
export function repeatValues(value: VariableValue | undefined): string[] {
  if (value === undefined) return []
  return typeof value === 'string' ? [value] : [...value]
}
