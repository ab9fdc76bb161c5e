/**
 * The report of two files read as text cells: resolve the columns' roles (./columns.ts), decide
 * the feature kinds from the reference (./csv-cells.ts), type the cells column by column into
 * tables (./table.ts), build the report (./build-report.ts). Pure: the cells come from a
 * CellSource — the CLI's chDB reader (CSV or Parquet, src/cli/report-files.ts) or csv-parse's
 * records in memory.
 *
 * What crosses from the source, so that a million rows never exist as strings in JS:
 * - a feature column as its value counts (distinct cell → count, a GROUP BY in the engine):
 *   each distinct cell is typed once (parseCell) and the column is the multiset of its values
 *   in one canonical order (./counted-column.ts), which is all a per-feature statistic reads —
 *   drift, the reference profile and the per-feature quality checks do not depend on the row
 *   order, and they read the counts as weights (the column is expanded only for a reader that
 *   asks for it as an array, Table.columns);
 * - the targets and protected attributes in row order (performance and fairness pair them);
 * - the outlier score, which reads a row across features, as its summary over the rows (./outlier-counts.ts).
 */
import { DriftwatchError } from '../errors.js'
import { type ColumnKind, type FeatureValue, inferKind, type ReferenceProfile } from '../metrics/profile/index.js'
import { buildReport } from './build-report.js'
import { type ColumnRoles, resolveColumns } from './columns.js'
import type { ReportConfig } from './config.js'
import { type CellType, type CsvRecord, parseCell } from './csv-cells.js'
import { outlierSummary, rowOutlierCounts } from './outlier-counts.js'
import type { OutlierSummary } from '../metrics/quality/index.js'
import type { Table } from './table.js'
import { type CountedColumn, countedColumn, expandCounted } from './counted-column.js'
import type { ReportJson } from './types.js'

export interface CsvTable {
  readonly columns: readonly string[]
  readonly records: readonly CsvRecord[]
}

/** A file's cells as text, one column at a time (undefined: no cell). */
export interface CellSource {
  readonly columns: readonly string[]
  readonly rowCount: number
  /** The column's cells in row order. */
  cells(name: string): readonly (string | undefined)[]
  /** The column's cells in row order typed as `type` (parseCell's rules; a column the file lacks: all null). */
  typed(name: string, type: CellType): FeatureValue[]
  /** How often each cell occurs in the column; a missing cell (and a column the file lacks) under ''. */
  counts(name: string): ReadonlyMap<string, number>
  /** The outlier summary of the rows against the profile (its features typed by its kinds), as outlierSummary sums it. */
  outliers(profile: ReferenceProfile, threshold: number): OutlierSummary
}

/** Value counts of cells in memory ('' for a missing cell, as the engine's ifNull(cell, '')). */
export function cellCounts(cells: readonly (string | undefined)[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const c of cells) m.set(c ?? '', (m.get(c ?? '') ?? 0) + 1)
  return m
}

export function csvCells(t: CsvTable): CellSource {
  const cells = (name: string) => t.records.map((r) => r[name])
  return {
    columns: t.columns,
    rowCount: t.records.length,
    cells,
    typed: (name, type) => cells(name).map((c) => parseCell(c, type)),
    counts: (name) => cellCounts(cells(name)),
    outliers: (profile, threshold) =>
      outlierSummary(
        rowOutlierCounts(profile, t.records.length, (n) =>
          t.columns.includes(n) ? cells(n).map((c) => parseCell(c, profile.features[n]?.kind === 'numerical' ? 'number' : 'text')) : undefined,
        ),
        threshold,
      ),
  }
}

/**
 * The multiset of a column's typed values from its value counts, in one canonical order, so
 * every source gives the same array whatever order its counts come in: numbers ascending (-0
 * before +0, a Float64Array sort), then text in code-unit order, then missing
 * (./counted-column.ts).
 */
export function expandCounts(counts: ReadonlyMap<string, number>, type: CellType): FeatureValue[] {
  return expandCounted(countedColumn(counts, type))
}

/**
 * A table's columns where the feature columns are expanded from their value counts each time
 * they are read and not kept: the statistics read one feature at a time, so only the columns
 * in use (and the row-ordered targets) are in memory, not a million values per feature.
 */
class ExpandingColumns extends Map<string, readonly FeatureValue[]> {
  constructor(
    rows: ReadonlyMap<string, FeatureValue[]>,
    private readonly expand: ReadonlyMap<string, () => FeatureValue[]>,
  ) {
    super(rows)
  }

  override has(name: string): boolean {
    return super.has(name) || this.expand.has(name)
  }

  override get(name: string): readonly FeatureValue[] | undefined {
    return super.get(name) ?? this.expand.get(name)?.()
  }
}

/** isIdLike over value counts: some text, at least two cells, each non-missing cell once. */
export function isIdLikeCounts(counts: ReadonlyMap<string, number>): boolean {
  let text = false
  let distinct = 0
  for (const [cell, n] of counts) {
    const v = parseCell(cell, 'number')
    if (v === null || v === undefined) continue
    if (n > 1) return false
    if (typeof v === 'string') text = true
    distinct++
  }
  return text && distinct >= 2
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
  const idLike: string[] = []
  const targetNames = Object.values({ ...resolved.targets })
  const expected = [...new Set([...resolved.features, ...targetNames, ...resolved.protected])]
  progress?.start(
    resolved.features.length +
      expected.filter((n) => !resolved.features.includes(n) && reference.columns.includes(n)).length +
      expected.filter((n) => current.columns.includes(n)).length,
  )
  // Row order is kept only where rows are paired across columns (fairness pairs a protected
  // attribute with the targets); every other feature crosses as value counts.
  const rowOrder = new Set([...targetNames, ...resolved.protected])
  // The reference's feature columns typed as numbers, kept for the table of a numerical one.
  const referenceNumbers = new Map<string, CountedColumn>()
  for (const f of resolved.features) {
    const cells = rowOrder.has(f) ? reference.cells(f) : undefined
    const counts = cells ? undefined : reference.counts(f)
    progress?.column()
    // The kind depends on the set of values only: the distinct ones are enough.
    const counted = counts ? countedColumn(counts, 'number') : undefined
    if (counted) referenceNumbers.set(f, counted)
    const numbers = cells ? cells.map((c) => parseCell(c, 'number')) : (counted as CountedColumn).values
    if (!config.features && !resolved.protected.includes(f) && (cells ? isIdLike(cells, numbers) : isIdLikeCounts(counts as ReadonlyMap<string, number>))) idLike.push(f)
    const kind = config.features?.[f] ?? inferKind(numbers)
    kinds[f] = kind
  }
  const dropIds = idLike.length > 0 && idLike.length < resolved.features.length
  const roles: ColumnRoles = dropIds
    ? { ...resolved, features: resolved.features.filter((f) => !idLike.includes(f)), missingInCurrent: resolved.missingInCurrent.filter((f) => !idLike.includes(f)) }
    : resolved
  const notes = dropIds ? idLike.map((f) => `column "${f}" looks like an id (every reference value distinct): left out of the features (--config features: to keep it)`) : []
  const types: Record<string, CellType> = { [roles.targets.score]: 'number' }
  for (const f of roles.features) types[f] = kinds[f] === 'numerical' ? 'number' : 'text'
  const needed = [...new Set([...roles.features, ...Object.values(roles.targets), ...roles.protected])]
  // `read`: the reference's features, already read once for their kinds (and counted in progress).
  const table = (source: CellSource, read: readonly string[], typed = new Map<string, CountedColumn>()): Table => {
    const rows = new Map<string, FeatureValue[]>()
    const counted = new Map<string, CountedColumn>()
    const expand = new Map<string, () => FeatureValue[]>()
    for (const n of needed.filter((c) => source.columns.includes(c))) {
      const type = types[n] ?? 'text'
      if (rowOrder.has(n)) rows.set(n, source.typed(n, type))
      else {
        const c = (type === 'number' ? typed.get(n) : undefined) ?? countedColumn(source.counts(n), type)
        counted.set(n, c)
        expand.set(n, () => expandCounted(c))
      }
      if (!read.includes(n)) progress?.column()
    }
    return { rowCount: source.rowCount, columns: new ExpandingColumns(rows, expand), counted }
  }
  return buildReport({
    reference: table(reference, resolved.features, referenceNumbers),
    current: table(current, []),
    roles,
    kinds,
    config,
    notes,
    outliers: (profile, threshold) => ({ reference: reference.outliers(profile, threshold), current: current.outliers(profile, threshold) }),
  })
}

/** The report of two CSV files parsed in memory (csv-parse records). */
export function reportFromCsv(reference: CsvTable, current: CsvTable, config: ReportConfig, extraProtected: readonly string[] = []): ReportJson {
  return reportFromCells(csvCells(reference), csvCells(current), config, extraProtected)
}
