/**
 * One kind of buffered events sent as the prediction logger sends them: in publish calls bounded
 * in count and bytes (`chunks` of HTTP ingest, src/http/ingest-items.ts: about 512 KiB, an event
 * larger than that alone), so that no produce request outgrows the broker's message.max.bytes even
 * when every event lands on one partition. Each event is marked `sent` as soon as its call is
 * acknowledged, so a retry after a later call failed does not send it again.
 *
 * A call the broker refuses for its records (src/client/broker-refusal.ts) is tried in pieces
 * (src/bisect.ts, halves) until each refused event stands alone: the pieces that pass are sent,
 * and each event refused on its own is marked `dropped` and handed to `onRefused` at once (before
 * anything else can fail: a retry skips it, so this is its one report). Any other failure ends
 * the search and is thrown: the events not yet sent stay for the retry.
 * I/O (`publish`) is injected, so this is tested without a broker.
 */
import { bisectFailures } from '../bisect.js'
import { chunks } from '../http/ingest-items.js'
import { recordRefusal } from './broker-refusal.js'

export interface Outgoing<E> {
  readonly event: E
  /** Key and value bytes of the record (src/ingest/record-size.ts). */
  readonly bytes: number
  sent: boolean
  dropped: boolean
}

/** An event the broker refused on its own, with the broker's error. */
export interface Refused<E> {
  readonly item: Outgoing<E>
  readonly cause: unknown
}

export async function publishPieces<E>(
  items: readonly Outgoing<E>[],
  publish: (events: E[]) => Promise<void>,
  maxCount: number,
  onRefused: (refused: Refused<E>) => void,
): Promise<void> {
  const pending = items.filter((i) => !i.sent && !i.dropped)
  for (const piece of chunks(pending, pending.map((i) => i.bytes), maxCount)) {
    const send = async (part: readonly Outgoing<E>[]) => {
      await publish(part.map((i) => i.event))
      for (const i of part) i.sent = true
    }
    let first: unknown
    try {
      await send(piece)
      continue
    } catch (e) {
      if (recordRefusal(e) === null) throw e
      first = e
    }
    // Every range is split down to single events (no budget): an event is dropped only on the
    // broker's verdict on it alone. At most about 2·log2(piece) calls per refused event.
    const { failed } = await bisectFailures<unknown>(
      piece.length,
      first,
      async (start, end) => {
        try {
          await send(piece.slice(start, end))
          return null
        } catch (e) {
          if (recordRefusal(e) === null) throw e
          return e
        }
      },
      Number.POSITIVE_INFINITY,
    )
    for (const { start, why } of failed) {
      const item = piece[start]!
      item.dropped = true
      onRefused({ item, cause: why })
    }
  }
}
