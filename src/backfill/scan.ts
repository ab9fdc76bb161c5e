/**
 * The validation pass: reads every row once before anything is sent, counting valid and invalid
 * rows and keeping the first few problems to show. Holds no rows, only counts, so a file of any
 * size scans in constant memory.
 */
import { DriftwatchError } from '../errors.js'
import type { LabelRow } from './label-file.js'
import { ICONV_ADVICE } from './utf8-check.js'

export interface RowProblem {
  readonly line: number
  readonly error: DriftwatchError
}

export interface ScanReport {
  /** Data rows in the file. */
  readonly rows: number
  readonly valid: number
  readonly invalid: number
  /** Valid rows after the first `skipRows` rows: what this run will send. */
  readonly validToSend: number
  readonly invalidByCode: Readonly<Record<string, number>>
  /** The first `maxProblems` invalid rows, in file order. */
  readonly problems: readonly RowProblem[]
  /** Invalid rows holding bytes that are not UTF-8 (read with --skip-invalid). */
  readonly notUtf8: number
  /** Invalid rows with fields of a prediction (model_id, features …), and which of them. */
  readonly predictionLike: number
  readonly predictionFields: readonly string[]
}

export async function scanLabels(rows: AsyncIterable<LabelRow>, { skipRows = 0, maxProblems = 20 } = {}): Promise<ScanReport> {
  let count = 0
  let valid = 0
  let validToSend = 0
  const invalidByCode: Record<string, number> = {}
  const problems: RowProblem[] = []
  let notUtf8 = 0
  let predictionLike = 0
  const predictionFields = new Set<string>()
  for await (const r of rows) {
    count++
    if (r.result.ok) {
      valid++
      if (r.row > skipRows) validToSend++
      continue
    }
    const { error } = r.result
    invalidByCode[error.code] = (invalidByCode[error.code] ?? 0) + 1
    if (problems.length < maxProblems) problems.push({ line: r.line, error })
    if (error.context['notUtf8'] === true) notUtf8++
    const fields = error.context['predictionFields']
    if (Array.isArray(fields)) {
      predictionLike++
      for (const f of fields) predictionFields.add(String(f))
    }
  }
  return { rows: count, valid, invalid: count - valid, validToSend, invalidByCode, problems, notUtf8, predictionLike, predictionFields: [...predictionFields] }
}

/** `line 17: DW_TIMESTAMP_OUT_OF_RANGE label_time: ... is before ...` (messages start with the field path). */
export const formatProblem = (p: RowProblem): string => `line ${p.line}: ${p.error.code} ${p.error.message}`

export function formatScan(report: ScanReport, file: string): string[] {
  if (report.invalid === 0) return []
  const byCode = Object.entries(report.invalidByCode)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ')
  const shown = report.problems.length < report.invalid ? ` (the first ${report.problems.length} shown)` : ''
  const encoding = report.notUtf8 > 0 ? `; ${report.notUtf8} of them not UTF-8: ${ICONV_ADVICE}` : ''
  return [...report.problems.map(formatProblem), `${file}: ${report.invalid} invalid row(s) of ${report.rows}${shown}: ${byCode}${encoding}`]
}
