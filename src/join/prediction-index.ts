/**
 * The bounded in-memory side of the join: recent predictions by id, enough to route a label to
 * its window without asking ClickHouse. Past `capacity` the oldest entry is evicted, and a label
 * for an evicted prediction is resolved by a batched ClickHouse lookup. Pure: no clock, no I/O.
 *
 * Layout, for memory (docs/operations.md, "Memory"): a ring of `capacity` slots in typed arrays
 * (event time, interned model/version pair) and one `Map` from id to slot. An entry costs its id
 * string, one Map entry and 20 bytes of slots, about 90 bytes with short ids, where a
 * `Map<string, { modelId, modelVersion, eventTimeMs }>` cost about 220 (the target object, a
 * boxed double and a copy of the model and version strings per event; measured with 200,000
 * entries). The model/version pairs are few and interned once.
 *
 * A slot is overwritten in insertion order. Re-adding an id moves it to the newest slot and
 * leaves its old slot empty, so the index holds at most `capacity` entries, and fewer for a
 * while after re-adds.
 *
 * An id holds every target added for it (`targets`): a prediction_id re-sent with another event
 * time or version counts in the window of each stored copy (src/evaluate/scope.ts), so its label
 * re-evaluates each of them. The slot keeps the target added last; the others of an id with
 * more than one live in a side map, which stays empty while every id has one target (the common
 * case costs a size check per eviction), and leave with the id. An id keeps its MAX_TARGETS
 * newest targets: one re-sent without end must not grow without bound.
 */
/** The most targets an id keeps (its slot's and the others), the newest. */
export const MAX_TARGETS = 16

export interface JoinTarget {
  readonly modelId: string
  readonly modelVersion: string
  readonly eventTimeMs: number
}

interface ModelRef {
  readonly modelId: string
  readonly modelVersion: string
}

export class PredictionIndex {
  private readonly slots = new Map<string, number>()
  private readonly ids: (string | undefined)[] = []
  // Grown by doubling up to capacity as the ring first fills, so a large bound costs nothing until used.
  private times = new Float64Array(0)
  private refs = new Uint32Array(0)
  private readonly models: ModelRef[] = []
  private readonly modelRefs = new Map<string, number>()
  /** The targets of an id other than its slot's, for the few ids with more than one. */
  private readonly others = new Map<string, JoinTarget[]>()
  private next = 0
  private lastRef = -1

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`index capacity must be a non-negative integer, got ${capacity}`)
  }

  get size(): number {
    return this.slots.size
  }

  private grow(): void {
    const length = Math.min(this.capacity, Math.max(1024, this.times.length * 2))
    const times = new Float64Array(length)
    times.set(this.times)
    const refs = new Uint32Array(length)
    refs.set(this.refs)
    this.times = times
    this.refs = refs
  }

  private modelRef(modelId: string, modelVersion: string): number {
    // Consecutive events are mostly of one model: compare before building a key.
    const last = this.models[this.lastRef]
    if (last !== undefined && last.modelId === modelId && last.modelVersion === modelVersion) return this.lastRef
    const key = `${modelId}\u0000${modelVersion}`
    let ref = this.modelRefs.get(key)
    if (ref === undefined) {
      ref = this.models.push({ modelId, modelVersion }) - 1
      this.modelRefs.set(key, ref)
    }
    this.lastRef = ref
    return ref
  }

  /** Adds a target to the id's targets (none twice) and makes it the slot's. */
  add(predictionId: string, target: JoinTarget): void {
    this.addEntry(predictionId, target.modelId, target.modelVersion, target.eventTimeMs)
  }

  /** `add` from the target's fields, for callers that hold no target object. */
  addEntry(predictionId: string, modelId: string, modelVersion: string, eventTimeMs: number): void {
    if (this.capacity === 0) return
    const ref = this.modelRef(modelId, modelVersion)
    const previous = this.slots.get(predictionId)
    if (previous !== undefined) {
      this.ids[previous] = undefined
      if (this.refs[previous] !== ref || this.times[previous] !== eventTimeMs) this.keepOther(predictionId, previous, ref, eventTimeMs)
    }
    const slot = this.next
    if (slot === this.times.length) this.grow()
    const evicted = this.ids[slot]
    if (evicted !== undefined) {
      this.slots.delete(evicted)
      if (this.others.size > 0) this.others.delete(evicted)
    }
    this.ids[slot] = predictionId
    this.times[slot] = eventTimeMs
    this.refs[slot] = ref
    this.slots.set(predictionId, slot)
    this.next = slot + 1 === this.capacity ? 0 : slot + 1
  }

  /** An id's slot target is replaced by (ref, eventTimeMs): the old one joins its others, the new one leaves them. */
  private keepOther(predictionId: string, previous: number, ref: number, eventTimeMs: number): void {
    const model = this.models[this.refs[previous]!]!
    const old: JoinTarget = { modelId: model.modelId, modelVersion: model.modelVersion, eventTimeMs: this.times[previous]! }
    const { modelId, modelVersion } = this.models[ref]!
    const others = (this.others.get(predictionId) ?? []).filter((t) => !(t.modelId === modelId && t.modelVersion === modelVersion && t.eventTimeMs === eventTimeMs))
    if (!others.some((t) => t.modelId === old.modelId && t.modelVersion === old.modelVersion && t.eventTimeMs === old.eventTimeMs)) others.push(old)
    if (others.length >= MAX_TARGETS) others.splice(0, others.length - (MAX_TARGETS - 1))
    this.others.set(predictionId, others)
  }

  has(predictionId: string): boolean {
    return this.slots.has(predictionId)
  }

  /** The model of an indexed prediction, without building its target. */
  modelOf(predictionId: string): string | undefined {
    const slot = this.slots.get(predictionId)
    return slot === undefined ? undefined : this.models[this.refs[slot]!]!.modelId
  }

  /** The target added last for an indexed id. */
  get(predictionId: string): JoinTarget | undefined {
    const slot = this.slots.get(predictionId)
    if (slot === undefined) return undefined
    const model = this.models[this.refs[slot]!]!
    return { modelId: model.modelId, modelVersion: model.modelVersion, eventTimeMs: this.times[slot]! }
  }

  /** Every target added for an indexed id, the last added first; undefined if it is not indexed. */
  targets(predictionId: string): JoinTarget[] | undefined {
    const last = this.get(predictionId)
    if (last === undefined) return undefined
    const others = this.others.size > 0 ? this.others.get(predictionId) : undefined
    return others === undefined ? [last] : [last, ...others]
  }
}
