import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import type { DeadLetter } from '../ingest/dead-letter.js'
import type { ErasedPrediction, ErasedRead } from '../store/erased-ids.js'
import type { DeadLetterSink, DeadLetterWrite } from './dead-letter-sink.js'
import { ERASED_OVERLAP_MS, ErasedRecord, ErasedScreen, type SkippedRecords } from './erased-screen.js'
import type { SourceRecord } from './source.js'

const erased = (predictionId: string, labelsErased = true, modelId = 'm'): ErasedPrediction => ({ modelId, predictionId, labelsErased })

/** A screen over a fixed record, with a clock the test moves; `reads` lists the `since` of each read. */
function screenOf(rows: ErasedPrediction[], newestMs: number | null = rows.length > 0 ? 1_000_000 : null) {
  const clock = { now: 0 }
  const reads: number[] = []
  let next: ErasedRead = { rows, newestMs }
  const screen = new ErasedScreen(async (since) => (reads.push(since), next), () => clock.now, 10_000)
  return { screen, clock, reads, then: (r: ErasedRead) => (next = r) }
}

const p = (prediction_id: string, model_id = 'm') => ({ prediction_id, model_id })
const record = (key: string | null, offset: string): SourceRecord => ({ topic: 't', partition: 2, offset, key: key === null ? null : Buffer.from(key), value: Buffer.from('v'), headers: {}, timestamp: '0' })
const problem = new DriftwatchError('DW_PREDICTION_ID_CONFLICT', 'held by another model')

function capture(): DeadLetterSink & { writes: { deadLetters: readonly DeadLetter[]; options?: DeadLetterWrite }[] } {
  const writes: { deadLetters: readonly DeadLetter[]; options?: DeadLetterWrite }[] = []
  return { writes, write: async (deadLetters, _t, options) => void writes.push({ deadLetters, ...(options ? { options } : {}) }) }
}

describe('ErasedScreen', () => {
  it('nothing erased: the id rule sees the batch as it is, labels pass, dead letters pass as they are', async () => {
    const { screen } = screenOf([])
    const events = [p('a'), p('b')]
    let seen: unknown = null
    expect(await screen.screenPredictions(events, async (rest) => ((seen = rest), [null, problem]))).toEqual([null, problem])
    expect(seen).toBe(events)
    expect(await screen.screenLabels([{ prediction_id: 'a' }])).toEqual([])
    const sink = capture()
    const dead = [{ record: record('a', '5'), error: problem }]
    await screen.deadLetters(sink, () => expect.unreachable()).write(dead, 'tok')
    expect(sink.writes[0]!.deadLetters).toBe(dead)
  })

  it("an erased prediction gets ErasedRecord and never reaches the id rule; the others get the rule's answers", async () => {
    const { screen } = screenOf([erased('a')])
    let seen: unknown = null
    const r = await screen.screenPredictions([p('x'), p('a'), p('y')], async (rest) => ((seen = rest), [problem, null]))
    expect(seen).toEqual([p('x'), p('y')])
    expect(r[0]).toBe(problem)
    expect(r[1]).toBeInstanceOf(ErasedRecord)
    expect(r[2]).toBeNull()
    // A batch of erased predictions only: the rule is not asked.
    expect(await screen.screenPredictions([p('a')], async () => expect.unreachable())).toEqual([expect.any(ErasedRecord)])
  })

  it("an id is erased for its model only: another model's prediction with the id is stored", async () => {
    const { screen } = screenOf([erased('a', true, 'm1')])
    expect(await screen.screenPredictions([p('a', 'm2')], async () => [null])).toEqual([null])
    expect(screen.size).toEqual({ predictions: 1, labels: 1 })
  })

  it('labels of erased predictions are screened when erase deleted them, not when it kept them', async () => {
    const { screen } = screenOf([erased('a', true), erased('k', false)])
    const r = await screen.screenLabels([{ prediction_id: 'a' }, { prediction_id: 'k' }, { prediction_id: 'z' }])
    expect(r[0]).toBeInstanceOf(ErasedRecord)
    expect(r.slice(1)).toEqual([null, null])
  })

  it('dead letters: the screened ones and those keyed by an id whose labels were erased are left out and counted, without ids', async () => {
    const { screen } = screenOf([erased('a', true), erased('k', false)])
    const sink = capture()
    const skipped: SkippedRecords[] = []
    const filtered = screen.deadLetters(sink, (s) => skipped.push(s))
    const marker = (await screen.screenLabels([{ prediction_id: 'a' }]))[0]!
    const dead: DeadLetter[] = [
      { record: record('x', '3'), error: marker },
      { record: record('a', '4'), error: problem }, // failed to decode, keyed by the erased id
      { record: record('k', '5'), error: problem }, // its labels were kept
      { record: record(null, '6'), error: problem },
      { record: record('b', '7'), error: problem },
    ]
    await filtered.write(dead, 'tok', { storedOffsets: new Set() })
    expect(sink.writes[0]!.deadLetters.map((d) => d.record.offset)).toEqual(['5', '6', '7'])
    expect(sink.writes[0]!.options).toEqual({ storedOffsets: new Set() })
    expect(skipped).toEqual([{ topic: 't', partition: 2, skipped: 2, firstOffset: '3', lastOffset: '4' }])
    // A write of rows only repeats a counted one.
    await filtered.write(dead, 'tok/again', { rowsOnly: true })
    expect(skipped).toHaveLength(1)
  })

  it('a key that is not the UTF-8 of an erased id is kept', async () => {
    const { screen } = screenOf([erased('\uFFFD', true)])
    const sink = capture()
    const dead = [{ record: { ...record(null, '1'), key: Buffer.from([0xff]) }, error: problem }]
    await screen.deadLetters(sink, () => expect.unreachable()).write(dead, 'tok')
    expect(sink.writes[0]!.deadLetters).toHaveLength(1)
  })

  it('loads everything first, then at most once per reload interval only what is newer (less the overlap), one read for concurrent batches', async () => {
    const { screen, clock, reads, then } = screenOf([erased('a')], 1_000_000)
    await Promise.all([screen.screenLabels([]), screen.screenLabels([]), screen.screenPredictions([p('x')], async () => [null])])
    expect(reads).toEqual([0])
    clock.now = 9_999
    await screen.screenLabels([])
    expect(reads).toEqual([0])
    then({ rows: [erased('b')], newestMs: 1_200_000 })
    clock.now = 10_000
    expect(await screen.screenLabels([{ prediction_id: 'a' }, { prediction_id: 'b' }])).toEqual([expect.any(ErasedRecord), expect.any(ErasedRecord)])
    expect(reads).toEqual([0, 1_000_000 - ERASED_OVERLAP_MS])
    // A read that finds nothing new keeps the newest seen.
    then({ rows: [], newestMs: null })
    clock.now = 20_000
    await screen.screenLabels([])
    clock.now = 30_000
    await screen.screenLabels([])
    expect(reads.slice(2)).toEqual([1_200_000 - ERASED_OVERLAP_MS, 1_200_000 - ERASED_OVERLAP_MS])
  })

  it('a failed read fails the batch (retriable, as the store reports it) and the next batch reads again', async () => {
    let fail = true
    const reads: number[] = []
    const screen = new ErasedScreen(async (since) => {
      reads.push(since)
      if (fail) throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', 'down', { retriable: true })
      return { rows: [erased('a')], newestMs: 5 }
    }, () => 0)
    await expect(screen.screenLabels([{ prediction_id: 'a' }])).rejects.toMatchObject({ retriable: true })
    fail = false
    expect(await screen.screenLabels([{ prediction_id: 'a' }])).toEqual([expect.any(ErasedRecord)])
    expect(reads).toEqual([0, 0])
  })
})
