/**
 * The report of two parsed CSV files: resolve the columns' roles (./columns.ts), decide the
 * feature kinds from the reference (./csv-cells.ts), type the cells, build the report
 * (./build-report.ts). Pure: the CLI reads and parses the files.
 */
import type { CsvRecord } from './csv-cells.js'
import { type CellType, featureKinds, parseCell, typeRecords } from './csv-cells.js'
import { buildReport } from './build-report.js'
import { resolveColumns } from './columns.js'
import type { ReportConfig } from './config.js'
import type { ReportJson } from './types.js'

export interface CsvTable {
  readonly columns: readonly string[]
  readonly records: readonly CsvRecord[]
}

/**
 * An id-like column: text cells (not all numbers), at least two, all distinct in the reference
 * (order ids, UUIDs). Every value is a new category in the current file, so its drift says
 * nothing; it is left out of the inferred features, with a note. Columns the model file lists
 * and protected attributes are kept.
 */
export function isIdLike(records: readonly CsvRecord[], name: string): boolean {
  const seen = new Set<string>()
  let text = false
  for (const r of records) {
    const v = parseCell(r[name], 'number')
    if (v === null || v === undefined) continue
    if (typeof v === 'string') text = true
    const key = String(r[name])
    if (seen.has(key)) return false
    seen.add(key)
  }
  return text && seen.size >= 2
}

export function reportFromCsv(reference: CsvTable, current: CsvTable, config: ReportConfig, extraProtected: readonly string[] = []): ReportJson {
  const resolved = resolveColumns(reference.columns, current.columns, config, extraProtected)
  const idLike = config.features ? [] : resolved.features.filter((f) => !resolved.protected.includes(f) && isIdLike(reference.records, f))
  const roles = idLike.length === 0 || idLike.length === resolved.features.length
    ? resolved
    : { ...resolved, features: resolved.features.filter((f) => !idLike.includes(f)), missingInCurrent: resolved.missingInCurrent.filter((f) => !idLike.includes(f)) }
  const notes = roles === resolved ? [] : idLike.map((f) => `column "${f}" looks like an id (every reference value distinct): left out of the features (--config features: to keep it)`)
  const kinds = featureKinds(reference.records, roles.features, config.features ?? {})
  const types: Record<string, CellType> = { [roles.targets.score]: 'number' }
  for (const f of roles.features) types[f] = kinds[f] === 'numerical' ? 'number' : 'text'
  return buildReport({
    reference: typeRecords(reference.records, types),
    current: typeRecords(current.records, types),
    roles,
    kinds,
    config,
    notes,
  })
}
