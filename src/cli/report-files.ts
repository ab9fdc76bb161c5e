/**
 * The report's input files, read by the ClickHouse engine (chDB, in process): CSV with a header
 * row or Parquet (by the extension .parquet / .pq), parsed natively and multithreaded into a
 * table of the session, then handed to the pure report (src/report/csv-report.ts CellSource) as
 * aggregates: a feature column as its value counts (GROUP BY the cell) — a numerical one as its
 * distinct decimals, parsed by the engine, with their counts (./report-rows.ts numberCellsOf) —
 * the outlier score as rows the engine counts by group (./report-outliers.ts), and only the targets
 * and protected attributes in row order (./report-rows.ts); the cells the engine does not parse
 * are typed in JS by the very rules the report documents (src/report/csv-cells.ts).
 *
 * - Each report opens a private chDB session in a fresh temporary directory and removes it at
 *   the end: a chDB data directory belongs to one process, and `driftwatch start` may hold its
 *   own in another process at the same time (test/report-engine.test.ts checks both run).
 * - Each file is a Memory table of text cells (String, a missing cell as '') and the row
 *   number (UInt32): the queries read its columns where they are, without the file reads,
 *   checksums and copies of a table on disk. Measured on a 1M-row file (26 columns, chDB alone):
 *   load 1.5 s of CPU instead of 2.7 s (StripeLog), the value counts of every column 0.6 s
 *   instead of 1.3 s, the outlier query 0.8 s instead of 1.3 s; the table takes ~300 MiB (1M rows
 *   of 27 columns, mostly the 8-byte offsets of short strings). The
 *   report releases a file when it asks for nothing more (CellSource.release): its table is
 *   dropped once the reads asked of it are done, before the performance section's arrays.
 * - The load inserts in blocks of 64k rows (not ClickHouse's default of a million, a whole
 *   file's strings at once), on one thread. A CSV is parsed in parallel chunks of 2 MB
 *   (input_format_parallel_parsing, which hands the chunks on in file order; the rest of the
 *   pipeline stays on one thread): on 1M rows the load took 1.2 s wall instead of 2.2 s, and
 *   chunks of 2 MB instead of the default 10 MB lowered the load's peak by ~60 MiB. Parquet is
 *   read by one thread (with two, its blocks were numbered in one order and inserted in another).
 * - After a file is parsed, jemalloc's freed buffers are returned to the system (purgeAsync()).
 * - The engine works beside the report: every read after the session opens (the loads too) is
 *   an async query, run on a libuv worker thread while the main thread computes the report's
 *   statistics, so both cores of a small machine are busy. The report asks for a read as soon
 *   as it knows it will need it and awaits it when it uses it (CellSource returns promises);
 *   the reference loads first, and the current file once the reads asked of the reference are
 *   done, so the report computes on the reference while the larger file loads. The session
 *   runs one query at a time (measured: two queries of 1.1 s each at once took 2.4 s); close()
 *   waits for those still running.
 * - Rows keep one order for every column: each row is numbered once at load (rowNumberInAllBlocks),
 *   the table is read back by one thread in load order, and every row-ordered read
 *   checks the numbers (checkRowOrder).
 * - CSV cells are read as text (Nullable(String), stored with a missing cell as ''); Parquet
 *   values are written as text by ClickHouse's toString (floats in their shortest round-trip
 *   form, so Number() reads back the same double; NaN as "nan", i.e. missing, as pandas writes
 *   it to CSV; NULL as ''), and a string that a CSV file would hold as a missing marker ("NA",
 *   "None", "") is marked VERBATIM, so it is read as that text: in Parquet only a null (and a
 *   NaN) is missing, as pandas.read_parquet reads it (./report-parquet-text.ts).
 * - The CSV header is read first by csv-parse (./report-csv.ts), for the messages csv-parse gave
 *   (no header, a column twice) and for the names the in-memory path gives (an empty header cell
 *   is `Unnamed: <i>`, as pandas names it); the engine reads the columns by position.
 * - Blank lines are no rows, as csv-parse's skip_empty_lines: trailing ones are skipped by the
 *   engine; a file with one elsewhere fails the first parse and is read again from a copy
 *   without its blank lines (./report-csv.ts), so a file without them is read once, as before.
 * Errors in the file are DW_FILE_INVALID with the engine's message (an excerpt of the data it
 * quotes cut short, ./report-csv.ts fileReadMessage); a missing file DW_FILE_NOT_FOUND.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Session } from 'chdb'
import { DriftwatchError } from '../errors.js'
import { detachStdinFromEngine } from '../store/engine-stdin.js'
import { assertTextFile } from './files.js'
import type { CellSource } from '../report/index.js'
import { numberCellsOf, typedRows } from './report-rows.js'
import { cellCountsOf, type NumberCells, numberCells } from '../report/counted-column.js'
import { engineOutlierSummary } from './report-outliers.js'
import { sqlIdentifier, sqlString } from '../store/sql-text.js'
import { assertNotJson, copyWithoutBlankLines, csvHeader, engineMessage, fileHead, fileReadMessage } from './report-csv.js'
import { parquetTextExpressions } from './report-parquet-text.js'

export type FileFormat = 'csv' | 'parquet'

export const fileFormat = (path: string): FileFormat => (/\.(parquet|pq)$/i.test(path) ? 'parquet' : 'csv')


export interface EngineFiles {
  readonly sources: readonly CellSource[]
  /** Waits for the reads still running, then closes the engine's session. */
  close(): Promise<void>
}

function engineError(path: string, e: unknown): DriftwatchError {
  const message = engineMessage(String((e as Error).message ?? e))
  return new DriftwatchError('DW_FILE_INVALID', `${path}: cannot be read: ${fileReadMessage(message)}`, { path, cause: e })
}

/**
 * Hands the engine's freed memory back to the system: after parsing a file, jemalloc keeps
 * ~300 MB of a 1M-row CSV's buffers mapped, which the JS statistics would stack on.
 */
async function purgeAsync(session: Session): Promise<void> {
  try {
    await session.queryAsync('SYSTEM JEMALLOC PURGE')
  } catch {
    // A build without jemalloc: nothing to purge.
  }
}

/**
 * The reads after the load run on chDB's worker thread (queryAsync), one at a time (the session
 * serializes them), while the report computes on the main thread: the machine's second core
 * works for it. Each read is tracked so close() can wait for the ones still running (a report
 * that failed half-way may leave some), and is marked handled at once, its failure reaching
 * whoever awaits it.
 */
class EngineReads {
  private readonly running = new Set<Promise<unknown>>()

  constructor(private readonly session: Session) {}

  track<T>(read: Promise<T>): Promise<T> {
    const settled: Promise<boolean> = read.then(
      () => this.running.delete(settled),
      () => this.running.delete(settled),
    )
    this.running.add(settled)
    return read
  }

  /** Frees the engine's memory after a large read (purgeAsync), without waiting for it. */
  purgeAfter<T>(read: Promise<T>): Promise<T> {
    return read.then((value) => {
      this.track(purgeAsync(this.session))
      return value
    })
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }
}

/** One turn of the event loop: chDB starts a queued parameterized query from there. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Rows in the order of the file without a sort: one thread reads the table's blocks back in
 * the order they were inserted (below). A sort of a million rows by __row (ORDER BY)
 * held every column the query reads at once: +470 MiB for the outlier query, measured. The
 * order is still checked on every read (checkRowOrder), so a change in the engine fails loudly
 * instead of pairing the wrong rows.
 */
const IN_ROW_ORDER = 'SETTINGS max_threads = 1'

/**
 * The engine's CSV reader takes a cell `\N` for NULL (format_csv_null_representation); pandas,
 * and the report's own reader of small files, read it as the text it is. NULL is set to a text no
 * CSV cell holds here (a NUL byte, which a text file is refused for), so every cell is its text.
 */
const CSV_NULL_NEVER = sqlString('\u0000driftwatch:null\u0000')

/** The row at `position` must be the one numbered so at load. */
function checkRowOrder(position: number, row: number, rowCount: number): void {
  if (row !== position || position >= rowCount) throw new Error(`report engine: rows came back out of order (row ${row} at position ${position} of ${rowCount})`)
}

/**
 * Loads each file into a private chDB session, one after another in the order of `paths`;
 * sources in that order. The checks that need no engine (the file is there, a CSV's header)
 * run first, for every file; the loads run on chDB's worker thread, so the report computes on
 * the first file (the reference: the CLI passes it first) while the next one loads. A read of
 * a source waits for its file's load, and a load that fails fails every read of its file.
 */
export function openEngineFiles(paths: readonly { readonly path: string; readonly what: string }[]): EngineFiles {
  for (const { path, what } of paths) {
    if (!existsSync(path)) throw new DriftwatchError('DW_FILE_NOT_FOUND', `${what} ${path} does not exist`, { path })
    // The usual mistakes (a directory, an unreadable file, a binary file given as CSV) get the same
    // one-line answer as every other command's input files.
    if (fileFormat(path) === 'csv') {
      assertTextFile(path, what, 'a CSV file with a header row, or Parquet (*.parquet, *.pq)')
      assertNotJson(path, what, fileHead(path))
    } else if (statSync(path).isDirectory()) throw new DriftwatchError('DW_FILE_INVALID', `${what} ${path}: it is a directory, not a file`, { path })
  }
  // chDB's engine loads here, when a report runs, not when the CLI starts (`--help` stays small).
  // It reads nothing from stdin (src/store/engine-stdin.ts).
  detachStdinFromEngine()
  const { Session: ChdbSession } = createRequire(import.meta.url)('chdb') as typeof import('chdb')
  const session: Session = new ChdbSession()
  const reads = new EngineReads(session)
  // Copies of CSV files without their blank lines (./report-csv.ts), made only when a file has some.
  let copies: string | undefined
  const copyDirectory = () => (copies ??= mkdtempSync(join(tmpdir(), 'driftwatch-report-')))
  const cleanup = () => {
    session.cleanup()
    if (copies !== undefined) rmSync(copies, { recursive: true, force: true })
  }
  try {
    const selects = paths.map(({ path }) => loadQuery(session, path))
    let previous: Promise<unknown> = Promise.resolve()
    const sources = paths.map(({ path }, i) => {
      const { source, asked } = load(session, reads, { path, table: `t${i}`, copyDirectory }, selects[i] as LoadQuery, previous)
      // The next file loads once this one is in and the reads the report asked of it by then are
      // done: the report computes on this file's columns while the next one loads.
      previous = source.rowCount.then(breathe).then(asked)
      // The last file's is never awaited; a failed load reaches the report through its reads.
      previous.catch(() => {})
      return source
    })
    return {
      sources,
      close: async () => {
        await reads.drain()
        cleanup()
      },
    }
  } catch (e) {
    cleanup()
    throw e
  }
}

/** Each row's number at load; a UInt32 (a file of 4 billion rows is not a report's input). */
const ROW_NUMBER = 'toUInt32(rowNumberInAllBlocks()) AS __row'

interface LoadQuery {
  readonly columns: string[]
  readonly format: FileFormat
  /** The query that reads the file at `path` (the file itself, or its copy without blank lines). */
  readonly select: (path: string) => string
  /**
   * A CSV the engine would read otherwise than csv-parse unless its blank lines are left out
   * first: blank lines before the header, or one column (where a blank line reads as a row
   * with a missing cell instead of failing to parse).
   */
  readonly copyFirst: boolean
}

/**
 * The file's columns and the query that reads it (the CSV header is checked here). The CSV
 * header row is read by csv-parse (./report-csv.ts), and the engine reads the columns by
 * position (input_format_with_names_use_header = 0 below), under those names: matched by name,
 * a header cell the engine spells otherwise (an empty one, named `Unnamed: <i>` here) would
 * be read as a column of NULLs.
 */
function loadQuery(session: Session, path: string): LoadQuery {
  const format = fileFormat(path)
  if (format === 'csv') {
    const { columns, blankLinesBefore } = csvHeader(path)
    if (columns.length === 0) throw new DriftwatchError('DW_FILE_INVALID', `${path}: no header row`, { path })
    const duplicate = columns.find((c, i) => columns.indexOf(c) !== i)
    if (duplicate !== undefined) throw new DriftwatchError('DW_FILE_INVALID', `${path}: column "${duplicate}" appears twice in the header`, { path })
    const structure = columns.map((c) => `${sqlIdentifier(c)} Nullable(String)`).join(', ')
    return {
      columns,
      format,
      select: (file) =>
        `SELECT ${ROW_NUMBER}, ${columns.map((c) => `ifNull(${sqlIdentifier(c)}, '') AS ${sqlIdentifier(c)}`).join(', ')} FROM file(${sqlString(file)}, CSVWithNames, ${sqlString(structure)})`,
      copyFirst: blankLinesBefore > 0 || columns.length === 1,
    }
  }
  let columns: string[]
  let texts: string[]
  try {
    const described = JSON.parse(session.query(`DESCRIBE file(${sqlString(path)}, Parquet)`, 'JSONCompactColumns')) as string[][]
    columns = described[0] ?? []
    // Each value as pandas writes it to CSV (booleans, timestamps: ./report-parquet-text.ts).
    texts = parquetTextExpressions(session, path, columns, described[1] ?? [])
  } catch (e) {
    throw engineError(path, e)
  }
  return {
    columns,
    format,
    select: (file) => `SELECT ${ROW_NUMBER}, ${columns.map((c, i) => `${texts[i] as string} AS ${sqlIdentifier(c)}`).join(', ')} FROM file(${sqlString(file)}, Parquet)`,
    copyFirst: false,
  }
}

/**
 * The file loaded after `previous` (its rows counted), its reads, and `asked`: settles when
 * the reads asked so far are done.
 */
function load(
  session: Session,
  reads: EngineReads,
  { path, table, copyDirectory }: { readonly path: string; readonly table: string; readonly copyDirectory: () => string },
  { columns, format, select, copyFirst }: LoadQuery,
  previous: Promise<unknown>,
): { source: CellSource; asked: () => Promise<unknown> } {
  const create = (file: string) =>
    session.queryAsync(
      // Memory: written once, no background merges (a MergeTree of 64k-row parts merged while
      // the report read it) and no sort key; its blocks are read back in insertion order. One
      // thread numbers the rows and inserts them, so the numbers are the order of insertion
      // (with two, Parquet's blocks were numbered in one order and inserted in another).
      `CREATE TABLE ${table} ENGINE = Memory AS ${select(file)}
       SETTINGS input_format_csv_trim_whitespaces = 1, input_format_csv_empty_as_default = 0, input_format_allow_errors_num = 0,
                format_csv_null_representation = ${CSV_NULL_NEVER},
                input_format_with_names_use_header = 0, input_format_csv_skip_trailing_empty_lines = 1,
                input_format_parallel_parsing = ${format === 'csv' ? 1 : 0}, input_format_parquet_preserve_order = 1, max_threads = 1,
                min_insert_block_size_rows = 65536, min_insert_block_size_bytes = 16777216, min_chunk_bytes_for_parallel_parsing = 2097152`,
    )
  // The file's copy without blank lines, or undefined when it has none.
  const withoutBlankLines = (): string | undefined => {
    const copy = join(copyDirectory(), `${table}.csv`)
    if (copyWithoutBlankLines(path, copy) > 0) return copy
    rmSync(copy, { force: true })
    return undefined
  }
  const loaded = reads.track(
    (async () => {
      await previous
      try {
        if (copyFirst) await create(withoutBlankLines() ?? path)
        else {
          // The file as it is first: a file without blank lines inside (the usual one) is read
          // once, with no copy. A blank line inside fails the parse, and the copy is read instead.
          try {
            await create(path)
          } catch (e) {
            const copy = format === 'csv' ? withoutBlankLines() : undefined
            if (copy === undefined) throw e
            await session.queryAsync(`DROP TABLE IF EXISTS ${table} SYNC`)
            await create(copy)
          }
        }
      } catch (e) {
        throw engineError(path, e)
      }
      await purgeAsync(session)
      const n = Number((await session.queryAsync(`SELECT count() FROM ${table}`, { format: 'TabSeparated' })).text().trim())
      if (n === 0) throw new DriftwatchError('DW_FILE_INVALID', `${path}: no data rows`, { path })
      return n
    })(),
  )
  loaded.catch(() => {})
  // Every read of the file starts once it is loaded.
  const fileReads: Promise<unknown>[] = []
  let released: Promise<void> | undefined
  let dropped = false
  const afterLoad = <T>(read: (rowCount: number) => Promise<T>): Promise<T> => {
    if (dropped) return Promise.reject(new Error(`report engine: a read of ${path} was asked after its table was dropped`))
    const p = reads.track(loaded.then((n) => read(n)))
    fileReads.push(p)
    return p
  }
  const counted = new Map<string, Promise<ReadonlyMap<string, number>>>()
  const numbered = new Map<string, Promise<NumberCells>>()
  // The column's value counts, a GROUP BY in the engine.
  const countsRead = (name: string): Promise<ReadonlyMap<string, number>> =>
    afterLoad(async (rowCount) => {
      if (!columns.includes(name)) return new Map([['', rowCount]])
      const result = await session.queryAsync(`SELECT ifNull(${sqlIdentifier(name)}, '') AS v, toUInt32(count()) FROM ${table} GROUP BY v`, { format: 'JSONCompactColumns' })
      const [values, ns] = result.json<[string[], number[]]>()
      // Added, not set: two cells that are not UTF-8 read back as the same text (U+FFFD).
      const m = new Map<string, number>()
      values.forEach((v, i) => m.set(v, (m.get(v) ?? 0) + (ns[i] as number)))
      return m
    })
  const counts = (name: string): Promise<ReadonlyMap<string, number>> => {
    const known = counted.get(name)
    if (known) return known
    // A column already read as numbers has its counts in that read (a categorical feature's few
    // cells, once the reference's kinds are known): no second query, which would wait for the
    // next file's load. The engine sends the decimals' texts only for a column that may be read
    // as text (./report-rows.ts numberCellsOf); for another, the counts are read.
    const numbers = numbered.get(name)
    const m: Promise<ReadonlyMap<string, number>> = numbers ? numbers.then((n) => cellCountsOf(n) ?? countsRead(name)) : countsRead(name)
    m.catch(() => {})
    counted.set(name, m)
    return m
  }
  const numbers = (name: string): Promise<NumberCells> => {
    const known = numbered.get(name)
    if (known) return known
    const m = columns.includes(name) ? afterLoad(() => numberCellsOf(session, table, name)) : counts(name).then(numberCells)
    m.catch(() => {})
    numbered.set(name, m)
    return m
  }
  const cells = (name: string): Promise<string[]> =>
    afterLoad(async (rowCount) => {
      const result = await session.queryAsync(`SELECT __row, ${sqlIdentifier(name)} FROM ${table} ${IN_ROW_ORDER}`, { format: 'JSONCompactColumns' })
      const [rows, values] = result.json<[number[], (string | null)[]]>()
      if (rows.length !== rowCount) throw new Error(`report engine: ${rows.length} rows read, ${rowCount} loaded`)
      rows.forEach((row, i) => checkRowOrder(i, row, rowCount))
      return values.map((c) => c ?? '')
    })
  const source: CellSource = {
    columns,
    rowCount: loaded,
    cells: (name) => (columns.includes(name) ? cells(name) : loaded.then((n) => new Array<undefined>(n).fill(undefined))),
    typed: (name, type) =>
      columns.includes(name)
        ? // The query's arrays of a million values go back to the system after it.
          reads.purgeAfter(afterLoad((rowCount) => typedRows(session, table, rowCount, name, type, async () => (await counts(name)).keys(), () => cells(name))))
        : loaded.then((n) => new Array<null>(n).fill(null)),
    counts,
    numberCells: numbers,
    outliers: (profile, threshold, byNumber) =>
      reads.purgeAfter(afterLoad((rowCount) => engineOutlierSummary(session, table, rowCount, profile, columns, { counts, numbers }, threshold, byNumber))),
    pause: breathe,
    release: () => {
      released ??= reads.track(
        (async () => {
          // The table goes once every read asked of it is done, including those a read asked itself.
          for (let settled = 0; settled < fileReads.length; ) {
            const asked = fileReads.length
            await Promise.allSettled(fileReads)
            settled = asked
          }
          dropped = true
          try {
            // Both queued at once, so the purge does not wait for JavaScript's next turn of the
            // event loop (the report computes meanwhile).
            await Promise.all([session.queryAsync(`DROP TABLE IF EXISTS ${table} SYNC`), purgeAsync(session)])
          } catch {
            // Only memory: the session's directory goes at close().
          }
        })(),
      )
      return released
    },
  }
  return { source, asked: () => Promise.allSettled([...fileReads]) }
}
