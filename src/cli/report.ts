/**
 * `driftwatch report --reference ref.csv --current cur.csv [--config model.yaml]
 *  [--protected a,b] [--format json|text|html] [--output file]`
 *
 * Reads two CSV files (header row; csv-parse, values trimmed, BOM dropped), and the optional
 * model file, then writes the report of src/report (pretty JSON, or aligned text) to standard
 * output or --output. html: one self-contained page with charts (src/report/format-html.ts). Exit codes: 0 report written, 2 bad input or usage (a missing file is
 * DW_FILE_NOT_FOUND, an unreadable CSV DW_FILE_INVALID, a bad model file DW_CONFIG_INVALID),
 * 1 anything else. Needs no broker, database or environment.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { Option } from 'commander'
import { parse } from 'csv-parse/sync'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import { type CsvTable, DEFAULT_REPORT_CONFIG, formatText, parseReportConfig, reportFromCsv } from '../report/index.js'
import { formatHtml } from '../report/format-html.js'
import { reportScript } from '../ui/assets.js'
import { EXIT, type RegisterCommand } from './command.js'

export interface ReportCommandOptions {
  readonly reference: string
  readonly current: string
  readonly config?: string
  readonly protected?: string
  readonly format?: 'json' | 'text' | 'html'
  readonly output?: string
}

export interface ReportIo {
  readonly exists: (path: string) => boolean
  readonly readFile: (path: string) => string
  readonly writeFile: (path: string, text: string) => void
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

const nodeIo: ReportIo = {
  exists: existsSync,
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: (path, text) => writeFileSync(path, text),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}

const BAD_INPUT = new Set(['DW_FILE_NOT_FOUND', 'DW_FILE_INVALID', 'DW_CONFIG_INVALID'])

function readText(io: ReportIo, path: string, what: string): string {
  if (!io.exists(path)) throw new DriftwatchError('DW_FILE_NOT_FOUND', `${what} ${path} does not exist`, { path })
  return io.readFile(path)
}

export function parseCsv(text: string, path: string): CsvTable {
  let columns: string[] = []
  let records: Record<string, string>[]
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      columns: (header: string[]) => {
        columns = header
        return header
      },
    }) as Record<string, string>[]
  } catch (e) {
    throw new DriftwatchError('DW_FILE_INVALID', `${path}: not a readable CSV file: ${(e as Error).message}`, { path, cause: e })
  }
  if (columns.length === 0) throw new DriftwatchError('DW_FILE_INVALID', `${path}: no header row`, { path })
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i)
  if (duplicate !== undefined) throw new DriftwatchError('DW_FILE_INVALID', `${path}: column "${duplicate}" appears twice in the header`, { path })
  if (records.length === 0) throw new DriftwatchError('DW_FILE_INVALID', `${path}: no data rows`, { path })
  return { columns, records }
}

export async function runReport(options: ReportCommandOptions, io: ReportIo = nodeIo): Promise<number> {
  try {
    const reference = parseCsv(readText(io, options.reference, 'reference file'), options.reference)
    const current = parseCsv(readText(io, options.current, 'current file'), options.current)
    const config = options.config ? parseReportConfig(readText(io, options.config, 'model file'), options.config) : DEFAULT_REPORT_CONFIG
    const extraProtected = (options.protected ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0)
    const report = reportFromCsv(reference, current, config, extraProtected)
    const text =
      options.format === 'text' ? formatText(report)
      : options.format === 'html' ? formatHtml(report, { script: await reportScript() }, `driftwatch report: ${options.current} vs ${options.reference}`)
      : `${JSON.stringify(report, null, 2)}\n`
    if (options.output) io.writeFile(options.output, text)
    else io.stdout(text)
    return EXIT.ok
  } catch (e) {
    if (isDriftwatchError(e) && BAD_INPUT.has(e.code)) {
      io.stderr(`driftwatch: ${e.code}: ${e.message}\n`)
      return EXIT.config
    }
    throw e
  }
}

export const registerReportCommand: RegisterCommand = (program, ctx) => {
  program
    .command('report')
    .description('compare a current CSV with a reference CSV: feature drift, performance, fairness, data quality')
    .requiredOption('--reference <file>', 'reference data: CSV with a header row (features, and optionally label, prediction, score)')
    .requiredOption('--current <file>', 'current data, same columns')
    .option('--config <file>', 'model file (YAML): feature kinds, positive class, protected attributes, thresholds (docs/report.md)')
    .option('--protected <columns>', 'protected attributes for the fairness section, comma-separated')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text', 'html']).default('json'))
    .option('--output <file>', 'write the report to this file instead of standard output')
    .action((o: ReportCommandOptions) => ctx.run(() => runReport(o)))
}
