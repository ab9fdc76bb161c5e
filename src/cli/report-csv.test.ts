import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { copyWithoutBlankLines, csvHeader, engineMessage, EXCERPT_CHARS, fileReadMessage } from './report-csv.js'

const dir = mkdtempSync(join(tmpdir(), 'dw-report-csv-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let files = 0
function file(text: string): string {
  const path = join(dir, `f${files++}.csv`)
  writeFileSync(path, text)
  return path
}

function copied(text: string): { text: string; removed: number } {
  const copy = join(dir, `copy${files++}.csv`)
  const removed = copyWithoutBlankLines(file(text), copy)
  return { text: readFileSync(copy, 'utf8'), removed }
}

describe('copyWithoutBlankLines', () => {
  it.each([
    ['a,b\n1,2\n\n3,4\n', 'a,b\n1,2\n3,4\n', 1],
    ['a,b\n1,2\n \t \n3,4\n\n\n', 'a,b\n1,2\n3,4\n', 3],
    ['a,b\r\n1,2\r\n\r\n3,4\r\n', 'a,b\r\n1,2\r\n3,4\r\n', 1],
    ['\n\na,b\n1,2\n', 'a,b\n1,2\n', 2],
    ['\ufeff\na,b\n1,2', '\ufeffa,b\n1,2', 1],
    ['a,b\n1,2\n   ', 'a,b\n1,2\n', 1],
    ['a\n1\n""\n\n2\n', 'a\n1\n""\n2\n', 1],
    ['a,b\n  1,2\n', 'a,b\n  1,2\n', 0],
  ])('%j → %j (%i left out)', (input, output, removed) => {
    expect(copied(input)).toEqual({ text: output, removed })
  })

  it('keeps a blank line inside a quoted cell (its text), and counts escaped quotes', () => {
    expect(copied('a,b\n1,"x\n\ny"\n\n2,"say ""hi""\n\n"\n').text).toBe('a,b\n1,"x\n\ny"\n2,"say ""hi""\n\n"\n')
  })

  it('copies a file larger than its 1 MiB chunks byte for byte', () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},${' '.repeat(i % 3)}v${i}`)
    const text = `a,b\n${rows.join('\n')}\n`
    const withBlanks = `a,b\n${rows.map((r, i) => (i % 1000 === 0 ? `${r}\n   ` : r)).join('\n')}\n\n`
    expect(copied(withBlanks)).toEqual({ text, removed: 61 })
  })
})

describe('csvHeader', () => {
  it('is the first line that is not blank, with pandas names for empty cells', () => {
    expect(csvHeader(file('\n  \n,c, label ,prediction\n1,2,3,4\n'))).toEqual({ columns: ['Unnamed: 0', 'c', 'label', 'prediction'], blankLinesBefore: 2 })
    expect(csvHeader(file('\ufeffa,b\r\n1,2\r\n'))).toEqual({ columns: ['a', 'b'], blankLinesBefore: 0 })
    expect(csvHeader(file('\n\n'))).toEqual({ columns: [], blankLinesBefore: 3 })
  })
})

describe('fileReadMessage', () => {
  it('cuts a quoted excerpt of the data to a short one, on one line', () => {
    const rows = '\\n-0.485,a,0,0,0.018\\n0.373,c,0,1,0.786\\n2.471,b,0,0,0.258\\n0.399,b,0,0,0.336\\n-1.03,a,1,1,0.715'
    const m = fileReadMessage(`Code: 27. DB::Exception: Cannot parse input: expected ',' before: '${rows}': (at row 50)\n: Row 1: x`)
    expect(m).toBe(`Code: 27. DB::Exception: Cannot parse input: expected ',' before: '${rows.slice(0, EXCERPT_CHARS).replace(/\\$/, '')}…': (at row 50) : Row 1: x`)
    expect(fileReadMessage(`Invalid Opening Quote: a quote is found on field 0 at line 3, value is "${'x'.repeat(500)}"`)).toBe(
      `Invalid Opening Quote: a quote is found on field 0 at line 3, value is "${'x'.repeat(EXCERPT_CHARS)}…"`,
    )
    expect(fileReadMessage('short: \'abc\'')).toBe("short: 'abc'")
    expect(fileReadMessage('y'.repeat(1000))).toHaveLength(401)
  })
})

describe('engineMessage', () => {
  it('says what the engine found, without its framing: the innermost exception, no code, name or version', () => {
    expect(
      engineMessage(
        "Query failed: Code: 636. DB::Exception: The table structure cannot be extracted from a Parquet format file. Error:\nCode: 117. DB::Exception: Not a Parquet file (wrong magic bytes at the end of file). (INCORRECT_DATA) (version 26.7.2.1).\nYou can specify the structure manually: (in file/uri /tmp/x.parquet). (CANNOT_EXTRACT_TABLE_STRUCTURE)",
      ),
    ).toBe('Not a Parquet file (wrong magic bytes at the end of file).')
    expect(engineMessage("Code: 27. DB::Exception: Cannot parse input: expected ',' at end of stream: (at row 2)\n: Row 1: x (version 26.7.2.1)")).toBe(
      "Cannot parse input: expected ',' at end of stream: (at row 2)",
    )
    expect(engineMessage('Query failed: something else')).toBe('something else')
  })
})
