import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { needsNewProducer, recordRefusal, refusedEventError } from './broker-refusal.js'
import { publishPieces, type Outgoing, type Refused } from './publish-pieces.js'

const KiB = 1024
const tooLarge = () => new KafkaJSProtocolError({ message: 'The request included a message larger than the max message size the server will accept', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false } as never)
/** publishPieces, with the refused events it reported, in order. */
async function publish(all: Outgoing<number>[], send: (events: number[]) => Promise<void>, maxCount: number, refused: Refused<number>[] = []) {
  await publishPieces(all, send, maxCount, (r) => refused.push(r))
  return refused
}
const items = (sizes: number[]): Outgoing<number>[] => sizes.map((bytes, event) => ({ event, bytes, sent: false, dropped: false }))

/** A broker that refuses a call of more than `maxBytes`, and any call holding one of `invalid`; it records the calls it acknowledged. */
function broker(all: Outgoing<number>[], maxBytes: number, invalid: ReadonlySet<number> = new Set()) {
  const acknowledged: number[][] = []
  const calls: number[][] = []
  const publish = async (events: number[]) => {
    calls.push(events)
    const bytes = events.reduce((sum, e) => sum + all[e]!.bytes, 0)
    if (bytes > maxBytes) throw tooLarge()
    if (events.some((e) => invalid.has(e))) throw new KafkaJSProtocolError({ message: 'This record has failed the validation on broker', type: 'INVALID_RECORD', code: 87, retriable: false } as never)
    acknowledged.push(events)
  }
  return { acknowledged, calls, publish }
}

describe('publishPieces', () => {
  it('sends in calls of at most 512 KiB (one larger event alone), all acknowledged, in order', async () => {
    const all = items([200 * KiB, 200 * KiB, 200 * KiB, 700 * KiB, 10, 10, 300 * KiB])
    const b = broker(all, 1024 * KiB)
    expect(await publish(all, b.publish, 500)).toEqual([])
    expect(b.calls).toEqual([[0, 1], [2], [3], [4, 5, 6]])
    expect(all.every((i) => i.sent && !i.dropped)).toBe(true)
  })

  it('keeps to maxCount events per call', async () => {
    const all = items(Array.from({ length: 7 }, () => 10))
    const b = broker(all, 1024 * KiB)
    await publish(all, b.publish, 3)
    expect(b.calls).toEqual([[0, 1, 2], [3, 4, 5], [6]])
  })

  it('drops only the events the broker refuses on their own, and sends the others once', async () => {
    // 900 events of 500 bytes, with 1 MiB+ ones at 3 and 600 and an invalid one at 700; the broker
    // takes 200 KiB per call, less than the 512 KiB the calls are cut to.
    const sizes = Array.from({ length: 900 }, (_, i) => (i === 3 || i === 600 ? 1100 * KiB : 500))
    const all = items(sizes)
    const b = broker(all, 200 * KiB, new Set([700]))
    const refused = await publish(all, b.publish, 1000)
    expect(refused.map((r) => [r.item.event, recordRefusal(r.cause)])).toEqual([[3, 'MESSAGE_TOO_LARGE'], [600, 'MESSAGE_TOO_LARGE'], [700, 'INVALID_RECORD']])
    expect(all.filter((i) => i.dropped).map((i) => i.event)).toEqual([3, 600, 700])
    expect(b.acknowledged.flat()).toEqual(all.map((i) => i.event).filter((e) => ![3, 600, 700].includes(e)))
    expect(all.filter((i) => !i.dropped).every((i) => i.sent)).toBe(true)
  })

  it('throws any other failure, keeping what was acknowledged; the retry sends only the rest', async () => {
    const all = items([300 * KiB, 300 * KiB, 300 * KiB])
    let down = false
    const sent: number[] = []
    const send = async (events: number[]) => {
      if (down) throw new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')
      sent.push(...events)
      down = true
    }
    await expect(publish(all, send, 500)).rejects.toThrow(/ECONNREFUSED/)
    expect(all.map((i) => i.sent)).toEqual([true, false, false])
    down = false
    const publishUp = async (events: number[]) => void sent.push(...events)
    await publish(all, publishUp, 500)
    expect(sent).toEqual([0, 1, 2])
  })

  it('a transient failure while isolating a refusal ends the search; the retry finishes it, sending each event once', async () => {
    const all = items(Array.from({ length: 8 }, () => 10))
    const b = broker(all, 1024 * KiB, new Set([3]))
    // Calls: [0..7] refused, [0..3] refused, [0, 1] acknowledged, [2, 3] refused, then [2] fails.
    const flaky = async (events: number[]) => {
      if (b.calls.length === 4) throw new KafkaJSConnectionError('Connection error')
      return b.publish(events)
    }
    await expect(publish(all, flaky, 500)).rejects.toThrow(/Connection error/)
    expect(all.map((i) => i.sent)).toEqual([true, true, false, false, false, false, false, false])
    const refused = await publish(all, b.publish, 500)
    expect(refused.map((r) => r.item.event)).toEqual([3])
    expect(b.acknowledged.flat().sort()).toEqual([0, 1, 2, 4, 5, 6, 7])
  })

  it('reports a refused event at once, though a later call fails; the retry neither sends nor reports it again', async () => {
    const all = items([600 * KiB, 10, 600 * KiB, 10])
    const b = broker(all, 550 * KiB)
    const refused: Refused<number>[] = []
    let up = false
    const send = async (events: number[]) => {
      if (!up && events.includes(1)) throw new KafkaJSConnectionError('Connection error')
      return b.publish(events)
    }
    await expect(publish(all, send, 500, refused)).rejects.toThrow(/Connection error/)
    expect(refused.map((r) => r.item.event)).toEqual([0])
    up = true
    await publish(all, send, 500, refused)
    expect(refused.map((r) => r.item.event)).toEqual([0, 2])
    expect(b.acknowledged.flat()).toEqual([1, 3])
  })
})

describe('broker refusals', () => {
  it('are the refusals of the records themselves, read from the protocol error type on the cause chain', () => {
    expect(recordRefusal(tooLarge())).toBe('MESSAGE_TOO_LARGE')
    // kafkajs's retrier wraps what it gives up on, with the protocol error as `cause`.
    const NonRetriable = KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: unknown }) => Error
    expect(recordRefusal(new NonRetriable(tooLarge(), { cause: tooLarge() }))).toBe('MESSAGE_TOO_LARGE')
    for (const type of ['TOPIC_AUTHORIZATION_FAILED', 'INVALID_TIMESTAMP', 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'NOT_LEADER_FOR_PARTITION']) {
      expect(recordRefusal(new KafkaJSProtocolError({ message: type, type, code: 1, retriable: false } as never))).toBeNull()
    }
    expect(recordRefusal(new KafkaJSConnectionError('Connection error'))).toBeNull()
    expect(recordRefusal(Object.assign(new Error('not kafka'), { type: 'MESSAGE_TOO_LARGE' }))).toBeNull()
  })

  it('a refusal or an out-of-order sequence asks for a new producer; a connection error does not', () => {
    expect(needsNewProducer(tooLarge())).toBe(true)
    expect(needsNewProducer(new KafkaJSProtocolError({ message: 'out of order', type: 'OUT_OF_ORDER_SEQUENCE_NUMBER', code: 45, retriable: false } as never))).toBe(true)
    expect(needsNewProducer(new KafkaJSConnectionError('Connection error'))).toBe(false)
  })

  it('an event refused on its own is reported with a DW code, its prediction_id and size', () => {
    const e = refusedEventError('prediction', 'p-1', 2_000_000, tooLarge())
    expect(e).toMatchObject({ code: 'DW_RECORD_TOO_LARGE', retriable: false, context: { kind: 'prediction', prediction_id: 'p-1', bytes: 2_000_000, kafkaError: 'MESSAGE_TOO_LARGE' } })
    expect(e.message).toMatch(/prediction "p-1".*MESSAGE_TOO_LARGE.*dropped/)
    const invalid = refusedEventError('label', 'p-2', 100, new KafkaJSProtocolError({ message: 'invalid', type: 'INVALID_RECORD', code: 87, retriable: false } as never))
    expect(invalid).toMatchObject({ code: 'DW_VALIDATION_FAILED', context: { prediction_id: 'p-2', kafkaError: 'INVALID_RECORD' } })
  })
})
