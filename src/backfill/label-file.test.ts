import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { eventOfSize } from '../../test/support/unit/sized-events.js'
import { DEFAULT_LIMITS } from '../ingest/validate.js'
import { labelRows } from './label-file.js'

const now = Date.UTC(2026, 10, 22)
const t = Date.UTC(2026, 10, 1, 12)

describe('labelRows: the record size', () => {
  // The consumer counts key and value (src/pipeline/event-handler.ts); a row measured without its
  // key (the prediction_id) was sent, dead-lettered as too large, and the checkpoint moved past it.
  it('keeps a label whose record (key and value) is exactly maxRecordBytes, and refuses one byte more', async () => {
    const label = (id: string) => (source: string) => ({ prediction_id: id, label: { class_label: 'approve' }, label_time: t, source })
    const text = [eventOfSize('ground-truth', 2048, now, label('req-0001')), eventOfSize('ground-truth', 2049, now, label('req-0002'))].map((j) => JSON.stringify(j)).join('\n')
    const rows = []
    for await (const r of labelRows(Readable.from([Buffer.from(text)]), 'jsonl', now, { ...DEFAULT_LIMITS, maxRecordBytes: 2048 })) rows.push(r)
    expect(rows.map((r) => [r.row, r.result.ok, r.bytes])).toEqual([[1, true, 2048], [2, false, 0]])
    expect(rows[1]!.result).toMatchObject({ ok: false, error: { code: 'DW_RECORD_TOO_LARGE', message: '(root): key and value are 2049 bytes, the limit is 2048 (ingest.maxRecordBytes)', context: { path: '(root)' } } })
  })
})

describe('labelRows: text that is not UTF-8', () => {
  const rowsOf = async (bytes: Buffer[], format: 'csv' | 'jsonl') => {
    const rows: unknown[] = []
    try {
      for await (const r of labelRows(Readable.from(bytes), format, now, DEFAULT_LIMITS)) rows.push(r.result.ok ? r.result.event.prediction_id : 'error')
    } catch (e) {
      return { rows, error: e }
    }
    return { rows, error: null }
  }
  const jsonl = (id: string) => `{"prediction_id":"${id}","label":{"class_label":"yes"},"label_time":${t}}\n`

  it.each([
    ['0xff', [0xff]],
    ['an overlong slash (c0 af)', [0xc0, 0xaf]],
    ['a surrogate (ed a0 80)', [0xed, 0xa0, 0x80]],
    ['a sequence cut by the end of the file (e2 82)', [0xe2, 0x82]],
  ])('stops at the line of the first bad byte (%s), in either format, after the rows before it', async (_, bad) => {
    // Read as text with U+FFFD, "p-\xff" and "p-\xfe" were one prediction id, labelled twice.
    const bytes = (before: string, after: string) => Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)])
    const atEnd = bad.length === 2 && bad[0] === 0xe2
    for (const [format, head, line] of [['jsonl', jsonl('a') + jsonl('b') + '{"prediction_id":"p-', jsonl('c').slice(16)], ['csv', `prediction_id,label,label_time\na,yes,${t}\nb,yes,${t}\np-`, `,yes,${t}\n`]] as const) {
      const file = atEnd ? bytes(head.split('p-')[0]!, '') : bytes(head, line)
      // Delivered a byte at a time too: a sequence split across chunks is still one sequence.
      for (const chunks of [[file], [...file].map((b) => Buffer.from([b]))]) {
        const { rows, error } = await rowsOf(chunks, format)
        expect(rows, format).toEqual(['a', 'b'])
        expect(error, format).toMatchObject({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/^line [34]: not valid UTF-8 \(byte 0x[0-9a-f]{2}\); a label file must be UTF-8: convert the file with iconv -f <encoding> -t UTF-8 .*, or pass --skip-invalid to count such lines as invalid rows and send the others$/) })
      }
    }
  })

  it('sends no part of the bad line or after it, wherever the chunks split the file', async () => {
    const rows = jsonl('a') + jsonl('b')
    const cases: [string, Buffer[], 'csv' | 'jsonl', string][] = [
      // The bad byte opens a chunk that holds more lines after it.
      ['a chunk opening with the bad byte', [Buffer.from(rows + '{"prediction_id":"p-'), Buffer.concat([Buffer.from([0xff]), Buffer.from(jsonl('c').slice(18) + jsonl('d'))])], 'jsonl', 'line 3'],
      // A sequence cut by the chunks, completed wrongly by the next one.
      ['a sequence split across chunks', [Buffer.concat([Buffer.from(rows + '{"prediction_id":"p-'), Buffer.from([0xe2, 0x82])]), Buffer.from('X' + jsonl('c').slice(18) + jsonl('d'))], 'jsonl', 'line 3'],
      // A file in another encoding: the first byte is bad (a UTF-16 BOM), the header among it.
      ['a bad first byte', [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`prediction_id,label,label_time\na,yes,${t}\n`)])], 'csv', 'line 1'],
      ['a Latin-1 header', [Buffer.concat([Buffer.from('prediction_id,label,label_time,'), Buffer.from([0xe9]), Buffer.from(`\na,yes,${t}\n`)])], 'csv', 'line 1'],
    ]
    for (const [what, chunks, format, line] of cases) {
      const { rows: read, error } = await rowsOf(chunks, format)
      expect(read, what).toEqual(line === 'line 1' ? [] : ['a', 'b'])
      expect(error, what).toMatchObject({ code: 'DW_FILE_INVALID', message: expect.stringMatching(new RegExp(`^${line}: not valid UTF-8`)) })
    }
  })

  it('reads UTF-8 that is not ASCII, split across chunks anywhere', async () => {
    const file = Buffer.from(jsonl('é中🙂') + jsonl('\ufffd as sent'))
    const { rows, error } = await rowsOf([...file].map((b) => Buffer.from([b])), 'jsonl')
    expect(error).toBeNull()
    expect(rows).toEqual(['é中🙂', '\ufffd as sent'])
  })
})

describe('labelRows with notUtf8AsInvalidRow (--skip-invalid): a line that is not UTF-8 is an invalid row', () => {
  const read = async (bytes: Buffer[], format: 'csv' | 'jsonl') => {
    const rows: string[] = []
    for await (const r of labelRows(Readable.from(bytes), format, now, DEFAULT_LIMITS, { notUtf8AsInvalidRow: true })) {
      rows.push(`${r.row}@${r.line} ${r.result.ok ? r.result.event.prediction_id : `${r.result.error.code} ${r.result.error.message}`}`)
    }
    return rows
  }
  const jsonl = (id: string) => `{"prediction_id":"${id}","label":{"class_label":"yes"},"label_time":${t}}\n`
  const bytewise = (b: Buffer) => [...b].map((x) => Buffer.from([x]))

  it.each([
    ['0xe9 (Latin-1 é)', [0xe9]],
    ['an overlong slash (c0 af)', [0xc0, 0xaf]],
    ['a surrogate (ed a0 80)', [0xed, 0xa0, 0x80]],
  ])('reads on past it (%s), in either format and however the chunks split the file, and the row holding it is never a label', async (_, bad) => {
    for (const [format, before, after] of [
      ['jsonl', jsonl('a') + '{"prediction_id":"p-', `","label":{"class_label":"yes"},"label_time":${t}}\n` + jsonl('c')],
      ['csv', `prediction_id,label,label_time\na,yes,${t}\np-`, `,yes,${t}\nc,yes,${t}\n`],
    ] as const) {
      const file = Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)])
      const line = format === 'csv' ? [2, 3, 4] : [1, 2, 3]
      for (const chunks of [[file], bytewise(file)]) {
        expect(await read(chunks, format), format).toEqual([
          `1@${line[0]} a`,
          `2@${line[1]} DW_VALIDATION_FAILED (row): not valid UTF-8 (byte 0x${bad[0]!.toString(16)})`,
          `3@${line[2]} c`,
        ])
      }
    }
  })

  it('makes invalid the CSV row whose quoted field spans the bad line, and numbers the rows after it as without the bad byte', async () => {
    const file = Buffer.concat([Buffer.from(`prediction_id,label,label_time\na,"two\nli`), Buffer.from([0xff]), Buffer.from(`nes",${t}\n\nb,yes,${t}\n`)])
    const clean = Buffer.from(`prediction_id,label,label_time\na,"two\nlines",${t}\n\nb,yes,${t}\n`)
    for (const chunks of [[file], bytewise(file)]) {
      expect(await read(chunks, 'csv')).toEqual(['1@2 DW_VALIDATION_FAILED (row): not valid UTF-8 (byte 0xff) on line 3', '2@5 b'])
    }
    expect(await read([clean], 'csv')).toEqual(['1@2 a', '2@5 b'])
  })

  it('makes a row of a sequence cut by the end of the file invalid', async () => {
    const file = Buffer.concat([Buffer.from(jsonl('a') + '{"prediction_id":"b'), Buffer.from([0xe2, 0x82])])
    expect(await read([file], 'jsonl')).toEqual(['1@1 a', '2@2 DW_VALIDATION_FAILED (row): not valid UTF-8 (byte 0xe2)'])
  })

  it('still refuses a CSV header that is not UTF-8: the file has no rows to read without it', async () => {
    const file = Buffer.concat([Buffer.from('prediction_id,label,label_time,'), Buffer.from([0xe9]), Buffer.from(`\na,yes,${t}\n`)])
    await expect(read([file], 'csv')).rejects.toMatchObject({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/^line 1: not valid UTF-8 \(byte 0xe9\); a label file must be UTF-8: convert the file with iconv -f <encoding> -t UTF-8/) })
  })
})
