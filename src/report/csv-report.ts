/**
 * The report of two parsed CSV files: resolve the columns' roles (./columns.ts), decide the
 * feature kinds from the reference (./csv-cells.ts), type the cells, build the report
 * (./build-report.ts). Pure: the CLI reads and parses the files.
 */
import type { CsvRecord } from './csv-cells.js'
import { type CellType, featureKinds, typeRecords } from './csv-cells.js'
import { buildReport } from './build-report.js'
import { resolveColumns } from './columns.js'
import type { ReportConfig } from './config.js'
import type { ReportJson } from './types.js'

export interface CsvTable {
  readonly columns: readonly string[]
  readonly records: readonly CsvRecord[]
}

export function reportFromCsv(reference: CsvTable, current: CsvTable, config: ReportConfig, extraProtected: readonly string[] = []): ReportJson {
  const roles = resolveColumns(reference.columns, current.columns, config, extraProtected)
  const kinds = featureKinds(reference.records, roles.features, config.features ?? {})
  const types: Record<string, CellType> = { [roles.targets.score]: 'number' }
  for (const f of roles.features) types[f] = kinds[f] === 'numerical' ? 'number' : 'text'
  return buildReport({
    reference: typeRecords(reference.records, types),
    current: typeRecords(current.records, types),
    roles,
    kinds,
    config,
  })
}
