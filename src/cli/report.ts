/**
 * `driftwatch report --reference ref.csv --current cur.csv [--config model.yaml]
 *  [--protected a,b] [--exclude a,b] [--format json|text|html] [--output file] [--fail-on gates]`
 *
 * Reads two CSV files (header row; csv-parse, values trimmed, BOM dropped), and the optional
 * model file, then writes the report of src/report (pretty JSON, or aligned text) to standard
 * output or --output; html: one self-contained page with charts (src/report/format-html.ts). Exit codes: 0 report written, 2 bad input or usage (a missing file is
 * DW_FILE_NOT_FOUND, an unreadable CSV DW_FILE_INVALID, a bad model file DW_CONFIG_INVALID,
 * a bad --fail-on expression, or a gate naming a feature or attribute the report lacks, DW_GATE_INVALID), 3 a --fail-on gate failed (the report is
 * still written; one line per gate on stderr), 1 anything else. --reference may be left out
 * when every gate is a performance.* or fairness.* gate (src/report/gates.ts). Needs no
 * broker, database or environment.
 */
import { existsSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import {
  type CellSource,
  type CsvTable,
  csvCells,
  currentOnlyReport,
  DEFAULT_REPORT_CONFIG,
  evaluateGates,
  formatGate,
  formatText,
  gateNeedsReference,
  needsReference,
  parseGates,
  parseReportConfig,
  reportFromCells,
  type ReportProgress,
} from '../report/index.js'
import { headerNames } from '../report/csv-cells.js'
import { formatHtml } from '../report/format-html.js'
import { reportScript } from '../ui/assets.js'
import { EXIT } from './command.js'
import { failureText } from './one-line.js'
import { textTo } from './output.js'
import { readTextFile, writeTextFile } from './files.js'
import { progress, type Progress } from './progress.js'
import { assertNotJson, fileReadMessage } from './report-csv.js'
import { type EngineFiles, openEngineFiles } from './report-files.js'

export interface ReportCommandOptions {
  /** Optional when every --fail-on gate is a performance.* or fairness.* gate. */
  readonly reference?: string
  readonly current: string
  readonly config?: string
  readonly protected?: string
  /** Columns to leave out of the report, comma-separated. */
  readonly exclude?: string
  /** CI gates (src/report/gates.ts): exit 3 when one fails. */
  readonly failOn?: string
  /** Progress on stderr even when it is not a terminal. */
  readonly progress?: boolean
  readonly format?: 'json' | 'text' | 'html'
  readonly output?: string
}

export interface ReportIo {
  readonly exists: (path: string) => boolean
  readonly readFile: (path: string, what?: string) => string
  readonly writeFile: (path: string, text: string) => void
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Reads the input files with the ClickHouse engine (CSV and Parquet); without it, CSV text via readFile. */
  readonly openFiles?: typeof openEngineFiles
  /** Whether stderr is a terminal (progress is shown there by default). */
  readonly stderrIsTTY?: boolean
}

export const nodeIo: ReportIo = {
  openFiles: openEngineFiles,
  stderrIsTTY: process.stderr.isTTY === true,
  exists: existsSync,
  // A directory, an unreadable or binary file, an unwritable --output: DW_FILE_* (exit 2), one line.
  readFile: (path, what = 'file') => readTextFile(path, what, 'a text file: CSV with a header row (or the YAML model file)'),
  writeFile: (path, text) => writeTextFile(path, text, '--output'),
  // Rendered for a terminal (../terminal-text.ts); --output writes the file as it is.
  stdout: textTo(process.stdout),
  stderr: textTo(process.stderr),
}

const BAD_INPUT = new Set(['DW_FILE_NOT_FOUND', 'DW_FILE_INVALID', 'DW_FILE_UNWRITABLE', 'DW_CONFIG_INVALID', 'DW_GATE_INVALID'])

const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0)

/** The sources without the --exclude columns; naming a column neither file has is a usage error. */
function excludeColumns(sources: readonly CellSource[], excluded: readonly string[]): CellSource[] {
  const unknown = excluded.filter((c) => !sources.some((t) => t.columns.includes(c)))
  if (unknown.length > 0) throw new DriftwatchError('DW_CONFIG_INVALID', `--exclude: no column ${unknown.map((c) => `"${c}"`).join(', ')} in the input files`)
  const drop = new Set(excluded)
  // Said here: the engine would only see files without columns ("shares no column ... wrong file?").
  const emptied = sources.find((t) => t.columns.length > 0 && t.columns.every((c) => drop.has(c)))
  if (emptied) throw new DriftwatchError('DW_CONFIG_INVALID', `--exclude removes every column of ${sources.length > 1 && emptied === sources[0] ? 'the reference' : 'the current'} file (${emptied.columns.join(', ')}); leave at least one to report on`)
  if (sources.length === 2) {
    const shared = (keep: (c: string) => boolean) => sources[0]!.columns.some((c) => keep(c) && sources[1]!.columns.includes(c))
    if (shared(() => true) && !shared((c) => !drop.has(c))) throw new DriftwatchError('DW_CONFIG_INVALID', '--exclude removes every column the reference and current files share; leave at least one to compare')
  }
  return sources.map((t) => ({
    columns: t.columns.filter((c) => !drop.has(c)),
    rowCount: t.rowCount,
    cells: (name) => t.cells(name),
    typed: (name, type) => t.typed(name, type),
    counts: (name) => t.counts(name),
    numberCells: (name) => t.numberCells(name),
    outliers: (profile, threshold, byNumber) => t.outliers(profile, threshold, byNumber),
    ...(t.pause ? { pause: () => (t.pause as () => Promise<void>)() } : {}),
    ...(t.release ? { release: () => (t.release as () => Promise<void>)() } : {}),
  }))
}

/** How often, with --progress and no terminal, a line says what the report is doing when nothing else was said. */
export const PROGRESS_HEARTBEAT_MS = 3000

/**
 * Columns read, on stderr: a bar on a terminal, or lines every 10% with --progress; and the
 * report's phase (reading a file, computing the statistics) as a line when it starts, repeated
 * with the time spent in it every PROGRESS_HEARTBEAT_MS of silence, so a long run is never silent.
 */
export function columnProgress(io: ReportIo, options: ReportCommandOptions, heartbeatMs = PROGRESS_HEARTBEAT_MS): (ReportProgress & { stop(): void }) | undefined {
  if (!options.progress && !io.stderrIsTTY) return undefined
  let bar: Progress | undefined
  const lines = io.stderrIsTTY !== true
  let phase = ''
  let phaseStart = Date.now()
  let lastLine = Date.now()
  const say = (text: string) => {
    io.stderr(`driftwatch report: ${text}\n`)
    lastLine = Date.now()
  }
  const timer = lines
    ? setInterval(() => {
        if (phase !== '' && Date.now() - lastLine >= heartbeatMs) say(`${phase} (${Math.round((Date.now() - phaseStart) / 1000)} s)`)
      }, Math.max(100, Math.floor(heartbeatMs / 3)))
    : undefined
  timer?.unref()
  return {
    start: (columns) => {
      bar = progress('driftwatch report: columns read', columns, lines ? { isTTY: false, write: (t: string) => (say(t.replace(/^driftwatch report: /, '').trimEnd()), true) } as unknown as NodeJS.WriteStream : process.stderr)
    },
    column: () => bar?.increment(1),
    phase: (what) => {
      phase = what
      phaseStart = Date.now()
      if (lines) say(what)
    },
    stop: () => {
      if (timer) clearInterval(timer)
      bar?.stop()
    },
  }
}

/** The files' cells: through the engine when the io has it, else CSV text parsed in memory. */
function openInputs(io: ReportIo, paths: readonly { path: string; what: string }[]): EngineFiles {
  if (io.openFiles) return io.openFiles(paths)
  return { sources: paths.map(({ path, what }) => csvCells(parseCsv(readText(io, path, what), path))), close: async () => {} }
}

function readText(io: ReportIo, path: string, what: string): string {
  if (!io.exists(path)) throw new DriftwatchError('DW_FILE_NOT_FOUND', `${what} ${path} does not exist`, { path })
  const text = io.readFile(path, what)
  assertNotJson(path, what, text.slice(0, 1024))
  return text
}

export function parseCsv(text: string, path: string): CsvTable {
  let columns: string[] = []
  let records: Record<string, string>[]
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      // pandas' names: an empty header cell is `Unnamed: <i>` (the engine path names them alike).
      columns: (header: string[]) => {
        columns = headerNames(header)
        return columns
      },
    }) as Record<string, string>[]
  } catch (e) {
    throw new DriftwatchError('DW_FILE_INVALID', `${path}: not a readable CSV file: ${fileReadMessage((e as Error).message)}`, { path, cause: e })
  }
  if (columns.length === 0) throw new DriftwatchError('DW_FILE_INVALID', `${path}: no header row`, { path })
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i)
  if (duplicate !== undefined) throw new DriftwatchError('DW_FILE_INVALID', `${path}: column "${duplicate}" appears twice in the header`, { path })
  if (records.length === 0) throw new DriftwatchError('DW_FILE_INVALID', `${path}: no data rows`, { path })
  return { columns, records }
}

export async function runReport(options: ReportCommandOptions, io: ReportIo = nodeIo): Promise<number> {
  try {
    const gates = options.failOn === undefined ? [] : parseGates(options.failOn)
    if (options.reference === undefined && (gates.length === 0 || needsReference(gates))) {
      const needing = gates.filter(gateNeedsReference).map((g) => `"${g.text}"`)
      throw new DriftwatchError(
        'DW_CONFIG_INVALID',
        needing.length > 0
          ? `--reference <file> is required by --fail-on ${needing.join(', ')}: dataset.*, features.*, performance.degradation.* and performance.<prediction|label|score>_drift.* gates compare with the reference (other performance.* gates and fairness.* gates run without it)`
          : '--reference <file> is required (without it, the report runs only for --fail-on gates on performance.* other than performance.degradation.* and the drifts, or on fairness.*)',
      )
    }
    const config = options.config ? parseReportConfig(readText(io, options.config, 'model file'), options.config) : DEFAULT_REPORT_CONFIG
    const extraProtected = list(options.protected)
    // The reference first: the report computes on it while the current file loads.
    const files = openInputs(io, [
      ...(options.reference === undefined ? [] : [{ path: options.reference, what: 'reference file' }]),
      { path: options.current, what: 'current file' },
    ])
    let report
    const bar = columnProgress(io, options)
    try {
      const sources = excludeColumns(files.sources, list(options.exclude))
      const [current, reference] = (options.reference === undefined ? sources : [sources[1], sources[0]]) as [CellSource, CellSource | undefined]
      report = reference ? await reportFromCells(reference, current, config, extraProtected, bar) : await currentOnlyReport(current, config, extraProtected)
    } finally {
      bar?.stop()
      await files.close()
    }
    const text =
      options.format === 'text' ? formatText(report)
      : options.format === 'html' ? formatHtml(report, { script: await reportScript() }, `driftwatch report: ${options.current}${options.reference ? ` vs ${options.reference}` : ''}`)
      : `${JSON.stringify(report, null, 2)}\n`
    if (options.output) io.writeFile(options.output, text)
    else io.stdout(text)
    if (gates.length === 0) return EXIT.ok
    const results = evaluateGates(gates, report)
    for (const r of results) io.stderr(`${formatGate(r)}\n`)
    const failed = results.filter((r) => r.failed).length
    io.stderr(`driftwatch: ${failed === 0 ? `all ${results.length} gates passed` : `${failed} of ${results.length} gates failed`}\n`)
    return failed === 0 ? EXIT.ok : EXIT.gate
  } catch (e) {
    if (isDriftwatchError(e) && BAD_INPUT.has(e.code)) {
      // As main prints it: a model file with several problems lists each on a line of its own.
      io.stderr(`driftwatch: ${e.code}: ${failureText(e)}\n`)
      return EXIT.config
    }
    throw e
  }
}
