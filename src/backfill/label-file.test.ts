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
