import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '../ingest/validate.js'
import { jsonlRows } from './jsonl-rows.js'
import { labelRows } from './label-file.js'

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

const now = Date.UTC(2026, 10, 22)
const t = Date.UTC(2026, 10, 1, 12)

const source = (text: string, byteByByte = false) => {
  const bytes = Buffer.from(text, 'utf8')
  return Readable.from(byteByByte ? [...bytes].map((b) => Buffer.from([b])) : [bytes])
}

async function rows(text: string, byteByByte = false) {
  const out: { row: number; line: number; id?: string; label?: string | null; error?: string }[] = []
  for await (const r of labelRows(source(text, byteByByte), 'jsonl', now, DEFAULT_LIMITS)) {
    out.push(r.result.ok ? { row: r.row, line: r.line, id: r.result.event.prediction_id, label: r.result.event.label.class_label } : { row: r.row, line: r.line, error: `${r.result.error.code} ${r.result.error.context['path']}` })
  }
  return out
}

const lines = [
  JSON.stringify({ prediction_id: 'p1', label: { class_label: 'ünïcödé ✓' }, label_time: t }), // line 1
  '', //                                                                                       line 2
  JSON.stringify({ prediction_id: 'p2', label: 'a', label_time: '2026-11-01T12:00:00Z' }), //  line 3 (flat)
  '{"prediction_id": "p3", "label": ', //                                                      line 4: not JSON
  '   ', //                                                                                    line 5
  JSON.stringify({ prediction_id: 'p4', label_value: 1, label_time: '1999-01-01' }), //        line 6
  JSON.stringify({ prediction_id: 'p5', label_value: 2.5, label_time: t }), //                 line 7, no final newline
]
const expected = [
  { row: 1, line: 1, id: 'p1', label: 'ünïcödé ✓' },
  { row: 2, line: 3, id: 'p2', label: 'a' },
  { row: 3, line: 4, error: 'DW_VALIDATION_FAILED (root)' },
  { row: 4, line: 6, error: 'DW_TIMESTAMP_OUT_OF_RANGE label_time' },
  { row: 5, line: 7, id: 'p5', label: null },
]

describe('jsonl label rows', () => {
  it('numbers lines, skips blank ones, and makes a line that is not JSON a row error', async () => {
    expect(await rows(lines.join('\n'))).toEqual(expected)
  })

  it('splits multi-byte characters across chunks correctly', async () => {
    expect(await rows(lines.join('\n'), true)).toEqual(expected)
  })

  it('reads CRLF files with a BOM and a final newline', async () => {
    expect(await rows(`\uFEFF${lines.join('\r\n')}\r\n`)).toEqual(expected)
  })

  it('says why a line is not JSON', async () => {
    const [r] = await collect(jsonlRows(source('{"a": }\n')))
    expect(r).toMatchObject({ line: 1, error: { code: 'DW_VALIDATION_FAILED', message: expect.stringMatching(/^\(root\): not valid JSON: /) } })
  })

  it('yields nothing for an empty file', async () => {
    expect(await rows('')).toEqual([])
  })

  it('passes a read error of the input through', async () => {
    const failing = new Readable({ read() { this.destroy(new Error('disk on fire')) } })
    await expect(collect(jsonlRows(failing))).rejects.toThrow('disk on fire')
  })
})

describe('jsonl line size', () => {
  it('stops at a line longer than the limit', async () => {
    await expect(collect(jsonlRows(Readable.from(['{"a":1}\n', 'x'.repeat(300)]), 100))).rejects.toMatchObject({ code: 'DW_FILE_INVALID', context: { line: 2 } })
  })
})
