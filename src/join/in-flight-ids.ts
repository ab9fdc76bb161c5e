/**
 * The prediction ids of batches that passed the id rule (id-conflicts.ts) and are being stored:
 * what keeps the rule whole across batches screened at the same time in one process.
 *
 * The Kafka source handles several partitions' batches at once (src/kafka/source.ts
 * PARTITIONS_CONCURRENTLY), and a batch's ids join the filter of stored ids and the index only
 * once its rows are durable (joiner.ts onPredictions). Two batches with one id for two models
 * (a producer that does not key by prediction_id), both screened before either was stored, would
 * both pass. So a batch that passed the screen holds its ids here, each with its model, until its
 * attempt settles (`settle`): stored, its ids are then in the filter and the index; failed, they
 * are let go (the joiner reads the filter again first: some rows may be durable all the same).
 *
 * A screen that finds one of its ids held for another model, and not stored, waits for the holder
 * to settle (`blocking`) and is screened again: the two batches get the answers they would get one
 * after the other, in the order they passed the screen, and an id whose holder failed to store it
 * is free. An id held for the same model passes at once (a re-send: one row, as when stored). A
 * holder never waits (it passed its screen), so no two batches wait for each other.
 *
 * A screen tests the filter and the index first and the holders last, across a lookup in the
 * store: a holder that settles in between put its ids where the screen had already looked. It
 * stays visible to that screen: each screen `open`s a view where it tests the filter and `close`s
 * it when done, and a settled holder is dropped once no view opened before it settled is open.
 *
 * Cost: with no other batch held or settling during a screen, nothing per id (the check sees no
 * holder and returns). Otherwise a probe per id and holder (the batches handled at once, and those
 * settling during the screen) in a table of the holder's ids by their first hash (id-filter.ts
 * idHashes, computed for the filter anyway), built once, by the first screen that needs it.
 * Measured on batches of 12,000 (a loaded 2-core machine): 0.01–0.02 µs per event alone, 0.1
 * beside two batches in flight, both tables built; with Maps of the id strings, 0.8–1.0.
 * Pure: no I/O, no clock.
 */

export interface HeldEvent {
  readonly prediction_id: string
  readonly model_id: string
  /** The id's first hash (id-filter.ts idHashes). */
  readonly idHash1: number
}

/** The ids one screened batch holds; `settled` resolves when its attempt ends. */
export class Holder {
  /** The `InFlightIds` settle count at which it settled; Infinity while its attempt runs. */
  settledAt = Number.POSITIVE_INFINITY
  readonly settled: Promise<void>
  private resolve!: () => void
  /**
   * Open addressing by idHash1: per slot, the index of an event that passed plus one (0: empty),
   * and its hash, compared before the event is read.
   */
  private slots: Int32Array | null = null
  private hashes = new Int32Array(0)
  private mask = 0

  constructor(
    private readonly events: readonly HeldEvent[],
    private readonly passed: (i: number) => boolean,
  ) {
    this.settled = new Promise<void>((resolve) => (this.resolve = resolve))
  }

  /** The model that holds the id in this batch, if any: its first event that passed the rule. */
  modelOf(id: string, idHash1: number): string | undefined {
    const slots = this.slots ?? this.build()
    const { hashes, mask } = this
    const hash = idHash1 | 0
    // Linear probing, no removals: of the events of one id, the first inserted is met first.
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const at = slots[s]!
      if (at === 0) return undefined
      if (hashes[s] !== hash) continue
      const e = this.events[at - 1]!
      if (e.prediction_id === id) return e.model_id
    }
  }

  private build(): Int32Array {
    const events = this.events
    let size = 8
    while (size < 2 * events.length) size *= 2
    const slots = new Int32Array(size)
    const hashes = new Int32Array(size)
    const mask = size - 1
    for (let i = 0; i < events.length; i++) {
      if (!this.passed(i)) continue
      const hash = events[i]!.idHash1 | 0
      let s = hash & mask
      while (slots[s] !== 0) s = (s + 1) & mask
      slots[s] = i + 1
      hashes[s] = hash
    }
    this.hashes = hashes
    this.mask = mask
    return (this.slots = slots)
  }

  /** Called once, by InFlightIds.settle. */
  end(at: number): void {
    this.settledAt = at
    this.resolve()
  }
}

/** A screen's view: the settle count when it tested the filter and the index. */
export type View = number

export class InFlightIds {
  /** Holders whose attempt runs, and settled ones an open view may still need. */
  private holders: Holder[] = []
  /** The views open now (a few: one per screen under way). */
  private readonly views: View[] = []
  private settles = 0

  /** Held or kept holders, for tests and metrics. */
  get size(): number {
    return this.holders.length
  }

  /** Opened where a screen tests the filter and the index, in the same step. */
  open(): View {
    this.views.push(this.settles)
    return this.settles
  }

  /** Closed when the screen that opened it returns, throws or waits. */
  close(view: View): void {
    const i = this.views.indexOf(view)
    if (i >= 0) this.views.splice(i, 1)
    this.prune()
  }

  /**
   * The settling of a holder one of `events` must wait for: a batch held (or settled since `view`
   * opened) that holds the id for another model, where `stored(id)` (what the filter, the index
   * and the lookup said) lists no model for it. Null when there is none: the screen may answer.
   */
  blocking(view: View, events: readonly HeldEvent[], stored: (id: string) => readonly string[]): Promise<void> | null {
    let relevant: Holder[] | null = null
    for (const h of this.holders) if (h.settledAt > view) (relevant ??= []).push(h)
    if (relevant === null) return null
    for (const e of events) {
      for (const h of relevant) {
        const model = h.modelOf(e.prediction_id, e.idHash1)
        if (model !== undefined && model !== e.model_id && stored(e.prediction_id).length === 0) return h.settled
      }
    }
    return null
  }

  /**
   * The batch passed the screen: the ids of its events that `passed` (no problem) are held for
   * their models until `settle`. Called in the same step as the `blocking` that returned null.
   */
  hold(events: readonly HeldEvent[], passed: (i: number) => boolean): Holder {
    const holder = new Holder(events, passed)
    this.holders.push(holder)
    return holder
  }

  /** The holder's attempt ended, stored or failed; a second call does nothing. */
  settle(holder: Holder): void {
    if (holder.settledAt !== Number.POSITIVE_INFINITY) return
    holder.end(++this.settles)
    this.prune()
  }

  /** Drops the settled holders no open view needs: those that settled before every open view. */
  private prune(): void {
    let oldest = this.settles
    for (const v of this.views) if (v < oldest) oldest = v
    if (this.holders.some((h) => h.settledAt <= oldest)) this.holders = this.holders.filter((h) => h.settledAt > oldest)
  }
}
