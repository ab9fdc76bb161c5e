/**
 * The report of two files read as text cells: resolve the columns' roles (./columns.ts), decide
 * the feature kinds from the reference (./csv-cells.ts), type the cells column by column into
 * tables (./table.ts), build the report (./build-report.ts). Pure: the cells come from a
 * CellSource — the CLI's chDB reader (CSV or Parquet, src/cli/report-files.ts) or csv-parse's
 * records in memory.
 *
 * What crosses from the source, so that a million rows never exist as strings in JS:
 * - a feature column as its value counts (distinct cell → count, a GROUP BY in the engine; a
 *   numerical one read as numbers, NumberCells, its decimals as the engine's doubles in order):
 *   each distinct cell is typed once (parseCell) and the column is the multiset of its values
 *   in one canonical order (./counted-column.ts), which is all a per-feature statistic reads —
 *   drift, the reference profile and the per-feature quality checks do not depend on the row
 *   order, and they read the counts as weights (the column is expanded only for a reader that
 *   asks for it as an array, Table.columns);
 * - the targets and protected attributes in row order (performance and fairness pair them);
 * - the outlier score, which reads a row across features, as its summary over the rows (./outlier-counts.ts).
 */
import { DriftwatchError } from '../errors.js'
import { type ColumnKind, type FeatureValue, type ReferenceProfile } from '../metrics/profile/index.js'
import { buildReport } from './build-report.js'
import { type ColumnRoles, resolveColumns } from './columns.js'
import type { ReportConfig } from './config.js'
import { type CellType, type CsvRecord, parseCell } from './csv-cells.js'
import { byNumber as categoryByNumber } from './numeric-categories.js'
import { outlierSummary, rowOutlierCounts } from './outlier-counts.js'
import type { OutlierSummary } from '../metrics/quality/index.js'
import type { ProfileFeatures, Table } from './table.js'
import { type CountedColumn, countedColumn, countedNumbers, expandCounted, forEachCounted, type NumberCells, numberCells } from './counted-column.js'
import { type DistinctTally, distinctTally, distinctTallyOfNumbers, idLikeNote, isIdLike, isIdLikeNumbers, isIdLikeTally } from './id-like.js'
import type { ReportJson } from './types.js'
import { pushAll } from '../arrays.js'
import { CATEGORICAL_MAX_UNIQUE } from '../metrics/drift/index.js'
import { countedCellKind, NUMERIC_CELL_SHARE, tallyCounted, textIsViolation, valuesCellKind } from './cell-kind.js'

export interface CsvTable {
  readonly columns: readonly string[]
  readonly records: readonly CsvRecord[]
}

/**
 * A file's cells as text, one column at a time (undefined: no cell). Asking starts the reading
 * and the answer comes later: the report asks for what it will need early and awaits it when
 * it needs it, so a source that reads beside it (the engine, on its own thread) works while the
 * report computes.
 */
export interface CellSource {
  readonly columns: readonly string[]
  /** Known once the file is read (the engine loads the files one after another). */
  readonly rowCount: Promise<number>
  /** The column's cells in row order. */
  cells(name: string): Promise<readonly (string | undefined)[]>
  /** The column's cells in row order typed as `type` (parseCell's rules; a column the file lacks: all null). */
  typed(name: string, type: CellType): Promise<FeatureValue[]>
  /** How often each cell occurs in the column; a missing cell (and a column the file lacks) under ''. */
  counts(name: string): Promise<ReadonlyMap<string, number>>
  /** The same counts read as numbers (numberCells(counts(name)) gives the same). */
  numberCells(name: string): Promise<NumberCells>
  /**
   * The outlier summary of the rows against the profile (its features typed by its kinds; the
   * categories of those in `byNumber` named by number, ./numeric-categories.ts), as outlierSummary sums it.
   */
  outliers(profile: ProfileFeatures, threshold: number, byNumber?: ReadonlySet<string>): Promise<OutlierSummary>
  /**
   * Awaited between the report's steps, so that the source's own work gets its turn (the
   * engine starts its next query from the event loop). Absent: nothing to wait for.
   */
  pause?(): Promise<void>
  /**
   * The report asks for nothing more: the source may free what it holds once the reads asked
   * so far are done (the engine drops the file's table); settles when it has. Absent: nothing
   * to free.
   */
  release?(): Promise<void>
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
    rowCount: Promise.resolve(t.records.length),
    cells: async (name) => cells(name),
    typed: async (name, type) => cells(name).map((c) => parseCell(c, type)),
    counts: async (name) => cellCounts(cells(name)),
    numberCells: async (name) => numberCells(cellCounts(cells(name))),
    outliers: async (profile, threshold, byNumber = new Set()) =>
      outlierSummary(
        rowOutlierCounts(profile, t.records.length, (n) => {
          if (!t.columns.includes(n)) return undefined
          const typed = cells(n).map((c) => parseCell(c, profile.features[n]?.kind === 'numerical' ? 'number' : 'text'))
          return byNumber.has(n) ? typed.map(categoryByNumber) : typed
        }),
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

/** isIdLike over value counts (./id-like.ts). */
export function isIdLikeCounts(counts: ReadonlyMap<string, number>): boolean {
  return isIdLikeNumbers(numberCells(counts))
}

export { isIdLike }

/**
 * Progress of a long report: how many columns will be read, then one step per column; and the
 * phase the report is in (reading the files, computing the statistics), so that a caller can
 * say what it waits for when no column arrives for a while.
 */
export interface ReportProgress {
  start(columns: number): void
  column(): void
  phase?(what: string): void
}

/**
 * The note of a reference column with text cells among more than 5 distinct numbers (it would be
 * numerical without the text), when text is not most of it (./cell-kind.ts):
 * - at most 5% of its non-missing cells text: it is numerical, its text cells type violations;
 * - more: it is categorical, each number a category.
 * The note names the column and up to three of the text cells.
 */
export function textAmongNumbersNote(name: string, c: CountedColumn): string[] {
  let distinct = 0
  const texts: string[] = []
  forEachCounted(c, (v) => {
    if (typeof v === 'number' && Number.isFinite(v)) distinct++
    else if (typeof v === 'string') texts.push(v)
  })
  const tally = tallyCounted(c)
  if (texts.length === 0 || distinct <= CATEGORICAL_MAX_UNIQUE || tally.text >= tally.numbers) return []
  const shown = texts.slice(0, 3).map((t) => JSON.stringify(t)).join(', ')
  const cells = `${tally.text} of its ${tally.numbers + tally.text} non-missing reference cells are text (${shown}${texts.length > 3 ? ', …' : ''})`
  if (textIsViolation(tally)) return [`column "${name}" is read as numerical: ${cells}, counted as type violations (at least ${NUMERIC_CELL_SHARE * 100}% of the cells are numbers)`]
  return [
    `column "${name}" is read as categorical: ${cells} among numbers, more than the ${Math.round((1 - NUMERIC_CELL_SHARE) * 100)}% a numerical column may have, so each number is a category; to compare it as numbers, list every feature under features: in --config with this one numerical (only the columns listed there are features; its text cells are then type errors)`,
  ]
}

/** Marks a promise awaited later as handled meanwhile (its rejection still reaches the await). */
function early<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {})
  return p
}

type RowRead = { readonly name: string; readonly values: Promise<FeatureValue[]> }

/**
 * The report of two sources. Every read is asked for as soon as it is known to be needed, and
 * awaited when used, so that a source reading beside the report (the engine) works while the
 * report computes: first the row-ordered target columns of both files and the reference's
 * feature columns (for their kinds), then each kept feature of the current file; buildReport
 * computes the reference's feature profiles while the current file loads, asks for the outlier
 * summaries, computes each feature's drift as soon as its current counts are in, and awaits
 * the rows after the feature drift.
 */
export async function reportFromCells(
  reference: CellSource,
  current: CellSource,
  config: ReportConfig,
  extraProtected: readonly string[] = [],
  progress?: ReportProgress,
): Promise<ReportJson> {
  const resolved = resolveColumns(reference.columns, current.columns, config, extraProtected)
  const noRows = (which: string) => new DriftwatchError('DW_FILE_INVALID', `the ${which} file has no data rows`)
  // The current file may still be loading: its row count is checked when its table is built.
  progress?.phase?.('reading the reference file')
  if ((await reference.rowCount) === 0) throw noRows('reference')
  progress?.phase?.('reading the reference columns')
  const kinds: Record<string, ColumnKind> = {}
  // Id-like columns (./id-like.ts) with their tallies, for the note.
  const idLike: string[] = []
  const idTallies = new Map<string, DistinctTally>()
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
  // Row-ordered columns that are not features are typed as text, the score as a number; a
  // row-ordered feature's type waits for its kind.
  const rowReads = (source: CellSource, names: readonly string[], type: (name: string) => CellType): RowRead[] =>
    names.filter((n) => source.columns.includes(n)).map((n) => ({ name: n, values: early(source.typed(n, type(n))) }))
  const plainRows = expected.filter((n) => rowOrder.has(n) && !resolved.features.includes(n))
  const plainType = (n: string): CellType => (n === resolved.targets.score ? 'number' : 'text')
  const referenceRows = rowReads(reference, plainRows, plainType)
  const currentRows = rowReads(current, plainRows, plainType)
  // The reference's feature columns read as numbers: their kinds, and the table of a numerical one.
  const referenceReads = resolved.features.map((f) => (rowOrder.has(f) ? { cells: early(reference.cells(f)) } : { numbers: early(reference.numberCells(f)) }))
  const typeOf = (kind: ColumnKind): CellType => (kind === 'numerical' ? 'number' : 'text')
  // The current file's counted column of a feature, asked for once the feature is known to stay
  // (and its kind known): a numerical one read as numbers, a categorical one as text.
  const currentColumns = new Map<string, Promise<CountedColumn>>()
  const askCurrent = (f: string, type: CellType) => {
    if (rowOrder.has(f) || !current.columns.includes(f) || currentColumns.has(f)) return
    currentColumns.set(f, early(type === 'number' ? current.numberCells(f).then(countedNumbers) : current.counts(f).then((c) => countedColumn(c, 'text'))))
  }
  const referenceNumbers = new Map<string, CountedColumn>()
  const textAmongNumbers: string[] = []
  for (const [i, f] of resolved.features.entries()) {
    const read = referenceReads[i] as { cells?: Promise<readonly (string | undefined)[]>; numbers?: Promise<NumberCells> }
    const cells = read.cells ? await read.cells : undefined
    const numberRead = read.numbers ? await read.numbers : undefined
    progress?.column()
    // The kind depends on the set of values only: the distinct ones are enough.
    const counted = numberRead ? countedNumbers(numberRead) : undefined
    if (counted) referenceNumbers.set(f, counted)
    const numbers = cells?.map((c) => parseCell(c, 'number'))
    const kind = config.features?.[f] ?? (numbers ? valuesCellKind(numbers) : countedCellKind(counted as CountedColumn))
    kinds[f] = kind
    if (config.features?.[f] === undefined && counted) pushAll(textAmongNumbers, textAmongNumbersNote(f, counted))
    // Only inferred features: a column the model file lists is a feature of the kind it gives, and protected attributes are kept.
    const tally = config.features || resolved.protected.includes(f) ? undefined : cells ? distinctTally(cells, numbers as FeatureValue[]) : distinctTallyOfNumbers(numberRead as NumberCells)
    if (tally && isIdLikeTally(tally)) {
      idLike.push(f)
      idTallies.set(f, tally)
    } else askCurrent(f, typeOf(kind))
  }
  const dropIds = idLike.length > 0 && idLike.length < resolved.features.length
  const roles: ColumnRoles = dropIds
    ? { ...resolved, features: resolved.features.filter((f) => !idLike.includes(f)), missingInCurrent: resolved.missingInCurrent.filter((f) => !idLike.includes(f)) }
    : resolved
  const notes = [
    ...(dropIds ? idLike.map((f) => idLikeNote(f, idTallies.get(f) as DistinctTally)) : []),
    ...textAmongNumbers.filter((n) => !(dropIds && idLike.some((f) => n.startsWith(`column "${f}" `)))),
  ]
  const types: Record<string, CellType> = { [roles.targets.score]: 'number' }
  for (const f of roles.features) types[f] = typeOf(kinds[f] as ColumnKind)
  const needed = [...new Set([...roles.features, ...Object.values(roles.targets), ...roles.protected])]
  for (const f of roles.features) askCurrent(f, types[f] as CellType)
  const featureRows = roles.features.filter((f) => rowOrder.has(f))
  const featureType = (n: string) => types[n] ?? 'text'
  pushAll(referenceRows, rowReads(reference, featureRows, featureType))
  pushAll(currentRows, rowReads(current, featureRows, featureType))
  // `read`: the reference's features, already read once for their kinds (and counted in progress).
  const table = async (
    source: CellSource,
    read: readonly string[],
    rows: readonly RowRead[],
    column: (name: string, type: CellType) => Promise<CountedColumn>,
  ) => {
    const counted = new Map<string, CountedColumn>()
    const expand = new Map<string, () => FeatureValue[]>()
    // Each counted column is typed when its counts are in, one after another in the order of
    // `needed`: the feature statistics of the first ones run while the engine counts the rest.
    const columnReady = new Map<string, Promise<void>>()
    let previous: Promise<void> = Promise.resolve()
    for (const n of needed.filter((c) => source.columns.includes(c) && !rowOrder.has(c))) {
      const type = types[n] ?? 'text'
      previous = previous.then(async () => {
        const c = await column(n, type)
        counted.set(n, c)
        expand.set(n, () => expandCounted(c))
        if (!read.includes(n)) progress?.column()
      })
      columnReady.set(n, early(previous))
    }
    const columns = new ExpandingColumns(new Map(), expand)
    // Filled in when the rows are in (the feature statistics read the counted columns).
    const ready = early(
      (async () => {
        await previous
        for (const { name, values } of rows) {
          columns.set(name, await values)
          if (!read.includes(name)) progress?.column()
        }
      })(),
    )
    const rowCount = await source.rowCount
    if (rowCount === 0) throw noRows(source === reference ? 'reference' : 'current')
    return { table: { rowCount, columns, counted } satisfies Table, ready, columnReady }
  }
  const ref = await table(reference, resolved.features, referenceRows, async (n, type) =>
    type === 'number' ? (referenceNumbers.get(n) ?? countedNumbers(await reference.numberCells(n))) : countedColumn(await reference.counts(n), type),
  )
  // The reference's counted columns are all in before its feature profiles are computed.
  await Promise.all(ref.columnReady.values())
  progress?.phase?.('computing the reference statistics while the current file is read')
  // The current file's table is built while buildReport profiles the reference.
  const cur = early(
    table(current, [], currentRows, (n, type) => {
      askCurrent(n, type)
      return currentColumns.get(n) as Promise<CountedColumn>
    }),
  )
  void cur.then(
    () => progress?.phase?.('computing the drift, quality, performance and fairness statistics'),
    () => {},
  )
  const rowsReady = early(Promise.all([ref.ready, cur.then((c) => c.ready)]).then(() => {}))
  // A feature read in row order (a protected attribute that is also a feature) is needed by the feature statistics.
  if (featureRows.length > 0) await rowsReady
  const pause = reference.pause ?? current.pause
  const report = await buildReport({
    reference: ref.table,
    current: cur.then((c) => c.table),
    roles,
    kinds,
    config,
    notes,
    rowsReady,
    currentColumns: current.columns,
    featureReady: async (name) => (await cur).columnReady.get(name),
    ...(pause ? { pause: () => pause() } : {}),
    outliers: async (profile, threshold, byNumber) => {
      const summaries = [early(reference.outliers(profile, threshold, byNumber)), early(current.outliers(profile, threshold, byNumber))] as const
      // The outlier summaries are the last reads the report asks for.
      void reference.release?.()
      void current.release?.()
      return { reference: await summaries[0], current: await summaries[1] }
    },
  })
  // The id-like columns left out are features not evaluated: the headline counts them
  // (./not-evaluated.ts), so that no gate passes unseen because a column vanished.
  return dropIds ? { ...report, dataset: { ...report.dataset, left_out_as_id: idLike } } : report
}

/** The report of two CSV files parsed in memory (csv-parse records). */
export function reportFromCsv(reference: CsvTable, current: CsvTable, config: ReportConfig, extraProtected: readonly string[] = []): Promise<ReportJson> {
  return reportFromCells(csvCells(reference), csvCells(current), config, extraProtected)
}
