/**
 * JSON Lines (UTF-8, optional BOM, LF or CRLF) -> one parsed JSON value per non-blank line, with
 * its line number. Lines are split here rather than with node:readline because readline's async
 * iterator does not reject when the input stream fails; this loop does, since it iterates the
 * stream itself. A line that is not JSON is a row error, not a file error: the next line is still
 * a row of its own.
 */
import { StringDecoder } from 'node:string_decoder'
import type { Readable } from 'node:stream'
import { DriftwatchError } from '../errors.js'
import { MAX_ROW_CHARS } from './format.js'

export type JsonlRow = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly error: DriftwatchError }

function parseLine(text: string, line: number): JsonlRow | null {
  if (text.trim() === '') return null
  try {
    return { line, value: JSON.parse(text) as unknown }
  } catch (e) {
    return { line, error: new DriftwatchError('DW_VALIDATION_FAILED', `(root): not valid JSON: ${(e as Error).message}`, { path: '(root)' }) }
  }
}

export async function* jsonlRows(input: Readable, maxRowChars = MAX_ROW_CHARS): AsyncGenerator<JsonlRow> {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  let line = 0
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk)
      let start = 0
      let nl: number
      while ((nl = pending.indexOf('\n', start)) >= 0) {
        let text = pending.slice(start, nl)
        start = nl + 1
        if (text.endsWith('\r')) text = text.slice(0, -1)
        if (++line === 1 && text.startsWith('\uFEFF')) text = text.slice(1)
        const row = parseLine(text, line)
        if (row) yield row
      }
      pending = pending.slice(start)
      if (pending.length > maxRowChars) {
        throw new DriftwatchError('DW_FILE_INVALID', `line ${line + 1}: longer than ${maxRowChars} characters without a line break`, { line: line + 1 })
      }
    }
    pending += decoder.end()
    if (pending !== '') {
      if (++line === 1 && pending.startsWith('\uFEFF')) pending = pending.slice(1)
      const row = parseLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending, line)
      if (row) yield row
    }
  } finally {
    input.destroy()
  }
}
