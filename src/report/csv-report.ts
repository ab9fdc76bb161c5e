/**
 * The report of two files read as text cells: resolve the columns' roles (./columns.ts), decide
 * the feature kinds from the reference (./csv-cells.ts), type the cells column by column into
 * tables (./table.ts), build the report (./build-report.ts). Pure: the cells come from a
 * CellSource — the CLI's chDB reader (CSV or Parquet, src/cli/report-files.ts) or csv-parse's
 * records in memory — and each column is fetched, typed and its text dropped before the next,
 * so a million rows never exist as strings all at once.
 */
import { DriftwatchError } from '../errors.js'
import { type ColumnKind, type FeatureValue, inferKind } from '../metrics/profile/index.js'
import { buildReport } from './build-report.js'
import { type ColumnRoles, resolveColumns } from './columns.js'
import type { ReportConfig } from './config.js'
import { type CellType, type CsvRecord, parseCell } from './csv-cells.js'
import type { Table } from './table.js'
import type { ReportJson } from './types.js'

export interface CsvTable {
  readonly columns: readonly string[]
  readonly records: readonly CsvRecord[]
}

/** A file's cells as text, one column at a time (undefined: no cell). */
export interface CellSource {
  readonly columns: readonly string[]
  readonly rowCount: number
  cells(name: string): readonly (string | undefined)[]
}

export function csvCells(t: CsvTable): CellSource {
  return { columns: t.columns, rowCount: t.records.length, cells: (name) => t.records.map((r) => r[name]) }
}

/**
 * An id-like column: text cells (not all numbers), at least two, all distinct in the reference
 * (order ids, UUIDs). Every value is a new category in the current file, so its drift says
 * nothing; it is left out of the inferred features, with a note. Columns the model file lists
 * and protected attributes are kept.
 */
export function isIdLike(cells: readonly (string | undefined)[], typed: readonly FeatureValue[]): boolean {
  const seen = new Set<string>()
  let text = false
  for (const [i, v] of typed.entries()) {
    if (v === null || v === undefined) continue
    if (typeof v === 'string') text = true
    const key = cells[i] as string
    if (seen.has(key)) return false
    seen.add(key)
  }
  return text && seen.size >= 2
}

function typeColumn(source: CellSource, name: string, type: CellType): FeatureValue[] {
  return source.cells(name).map((c) => parseCell(c, type))
}

/** Progress of a long report: how many columns will be read, then one step per column. */
export interface ReportProgress {
  start(columns: number): void
  column(): void
}

export function reportFromCells(
  reference: CellSource,
  current: CellSource,
  config: ReportConfig,
  extraProtected: readonly string[] = [],
  progress?: ReportProgress,
): ReportJson {
  const resolved = resolveColumns(reference.columns, current.columns, config, extraProtected)
  if (reference.rowCount === 0 || current.rowCount === 0) throw new DriftwatchError('DW_FILE_INVALID', `the ${reference.rowCount === 0 ? 'reference' : 'current'} file has no data rows`)
  const kinds: Record<string, ColumnKind> = {}
  const refColumns = new Map<string, FeatureValue[]>()
  const idLike: string[] = []
  const targetNames = Object.values({ ...resolved.targets })
  const expected = [...new Set([...resolved.features, ...targetNames, ...resolved.protected])]
  progress?.start(
    resolved.features.length +
      expected.filter((n) => !resolved.features.includes(n) && reference.columns.includes(n)).length +
      expected.filter((n) => current.columns.includes(n)).length,
  )
  for (const f of resolved.features) {
    const cells = reference.cells(f)
    progress?.column()
    const numbers = cells.map((c) => parseCell(c, 'number'))
    if (!config.features && !resolved.protected.includes(f) && isIdLike(cells, numbers)) idLike.push(f)
    const kind = config.features?.[f] ?? inferKind(numbers)
    kinds[f] = kind
    refColumns.set(f, kind === 'numerical' ? numbers : cells.map((c) => parseCell(c, 'text')))
  }
  const dropIds = idLike.length > 0 && idLike.length < resolved.features.length
  const roles: ColumnRoles = dropIds
    ? { ...resolved, features: resolved.features.filter((f) => !idLike.includes(f)), missingInCurrent: resolved.missingInCurrent.filter((f) => !idLike.includes(f)) }
    : resolved
  const notes = dropIds ? idLike.map((f) => `column "${f}" looks like an id (every reference value distinct): left out of the features (--config features: to keep it)`) : []
  const types: Record<string, CellType> = { [roles.targets.score]: 'number' }
  for (const f of roles.features) types[f] = kinds[f] === 'numerical' ? 'number' : 'text'
  const needed = [...new Set([...roles.features, ...Object.values(roles.targets), ...roles.protected])]
  const table = (source: CellSource, known: ReadonlyMap<string, FeatureValue[]>): Table => ({
    rowCount: source.rowCount,
    columns: new Map(
      needed
        .filter((n) => source.columns.includes(n))
        .map((n) => {
          const known_ = known.get(n)
          if (known_) return [n, known_] as const
          const typed = typeColumn(source, n, types[n] ?? 'text')
          progress?.column()
          return [n, typed] as const
        }),
    ),
  })
  return buildReport({ reference: table(reference, refColumns), current: table(current, new Map()), roles, kinds, config, notes })
}

/** The report of two CSV files parsed in memory (csv-parse records). */
export function reportFromCsv(reference: CsvTable, current: CsvTable, config: ReportConfig, extraProtected: readonly string[] = []): ReportJson {
  return reportFromCells(csvCells(reference), csvCells(current), config, extraProtected)
}
