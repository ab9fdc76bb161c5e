import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '../ingest/validate.js'
import { csvRows } from './csv-rows.js'
import { labelRows } from './label-file.js'

const now = Date.UTC(2026, 10, 22)
const t = Date.UTC(2026, 10, 1, 12)

/** The text as one chunk, or one byte per chunk (every chunk boundary a stream can produce). */
const source = (text: string, byteByByte = false) => {
  const bytes = Buffer.from(text, 'utf8')
  return Readable.from(byteByByte ? [...bytes].map((b) => Buffer.from([b])) : [bytes])
}

async function rows(text: string, byteByByte = false) {
  const out: { row: number; line: number; id?: string; label?: string | null; error?: string }[] = []
  for await (const r of labelRows(source(text, byteByByte), 'csv', now, DEFAULT_LIMITS)) {
    out.push(r.result.ok ? { row: r.row, line: r.line, id: r.result.event.prediction_id, label: r.result.event.label.class_label } : { row: r.row, line: r.line, error: `${r.result.error.code} ${r.result.error.context['path']}` })
  }
  return out
}

const quirky = [
  'prediction_id,label,label_time', //                        line 1
  `"p,1","say ""hi""",${t}`, //                               line 2
  '', //                                                      line 3 (blank)
  `"p`, //                                                    line 4: a quoted id over two lines
  `2","multi`, //                                             line 5
  `line",${t}`, //                                            line 6
  '   ', //                                                   line 7 (whitespace only)
  `p3,é ü,${t}`, //                                           line 8
  `p4,x,1999-01-01`, //                                       line 9: out of range
  `p5,x`, //                                                  line 10: too few fields
  `p6,"",${t}`, //                                            line 11: no label
  `p7,last,${t}`, //                                          line 12, no final newline
].join('\n')

const expected = [
  { row: 1, line: 2, id: 'p,1', label: 'say "hi"' },
  { row: 2, line: 4, id: 'p\n2', label: 'multi\nline' },
  { row: 3, line: 8, id: 'p3', label: 'é ü' },
  { row: 4, line: 9, error: 'DW_TIMESTAMP_OUT_OF_RANGE label_time' },
  { row: 5, line: 10, error: 'DW_VALIDATION_FAILED (row)' },
  { row: 6, line: 11, error: 'DW_MISSING_FIELD label' },
  { row: 7, line: 12, id: 'p7', label: 'last' },
]

describe('csv label rows', () => {
  it('handles quoting, escaped quotes, commas and line breaks in quotes, blank lines, and numbers lines right', async () => {
    expect(await rows(quirky)).toEqual(expected)
  })

  it('gives the same rows and lines whatever the chunk boundaries', async () => {
    expect(await rows(quirky, true)).toEqual(expected)
  })

  it('reads CRLF files with a BOM, counting a CRLF inside quotes as one line break', async () => {
    const crlf = `\uFEFF${quirky.replaceAll('\n', '\r\n')}\r\n`
    expect(await rows(crlf)).toEqual(expected.map((e) => (e.id === 'p\n2' ? { ...e, id: 'p\r\n2', label: 'multi\r\nline' } : e)))
  })

  it('accepts columns in any order, label_value alone, and a source column', async () => {
    const r: unknown[] = []
    for await (const x of labelRows(source(`source, label_time ,label_value,prediction_id\nreview,${t},0.5,p1\n`), 'csv', now, DEFAULT_LIMITS)) r.push(x.result)
    expect(r).toEqual([{ ok: true, event: { prediction_id: 'p1', label: { class_label: null, value: 0.5 }, label_time: t, source: 'review' } }])
  })

  it.each([
    ['prediction_id,label,label_time,colour\n', /unknown column\(s\) "colour"/],
    ['prediction_id,label\n', /column label_time is missing/],
    ['prediction_id,label_time\n', /needs a label column/],
    ['prediction_id,label,label,label_time\n', /label appear more than once/],
    ['prediction_id;label;label_time\n', /separated by commas/],
  ])('refuses a bad header %j (DW_FILE_INVALID, line 1)', async (text, message) => {
    const err = await rows(text).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'DW_FILE_INVALID', context: { line: 1 } })
    expect((err as Error).message).toMatch(message)
  })

  it('refuses an empty file', async () => {
    await expect(rows('\n\n')).rejects.toMatchObject({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/empty/) })
  })

  it.each([
    [`prediction_id,label,label_time\np1,a,${t}\n\np2,"unclosed,${t}\np3,a,${t}\n`, 4],
    [`prediction_id,label,label_time\r\n"p\r\n1",a,${t}\r\np2,"bad"x,${t}\r\n`, 4],
    [`prediction_id,label,label_time\np1,a,${t}\np2,b"ad",${t}\n`, 3],
  ])('reports malformed quoting as a file error at the line its row starts (%#)', async (text, line) => {
    const err = await rows(text).catch((e: Error) => e)
    expect(err).toMatchObject({ code: 'DW_FILE_INVALID', context: { line }, message: expect.stringMatching(new RegExp(`^line ${line}: malformed CSV`)) })
    expect((err as Error).message).not.toMatch(/at line/)
  })

  it('passes a read error of the input through', async () => {
    const failing = new Readable({ read() { this.destroy(new Error('disk on fire')) } })
    await expect(async () => { for await (const _ of csvRows(failing)) void _ }).rejects.toThrow('disk on fire')
  })
})

describe('csv row size', () => {
  it('stops at a row longer than the limit (an unclosed quote would otherwise read the whole file into memory)', async () => {
    const text = `prediction_id,label,label_time\np1,a,1\np2,"${'x'.repeat(500)}\n`
    await expect(async () => { for await (const _ of csvRows(Readable.from([text]), 100)) void _ }).rejects.toMatchObject({ code: 'DW_FILE_INVALID', context: { line: 3 }, message: expect.stringMatching(/CSV_MAX_RECORD_SIZE/) })
  })
})
