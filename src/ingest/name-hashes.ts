/**
 * Spotting a name given twice in a map read on the prediction fast path
 * (src/ingest/prediction-reader.ts), by the names' hashes. Pure.
 */

/** Names a map's duplicate check compares one by one; past them it looks hashes up in a table. */
const LINEAR_NAMES = 32
/** Slots of the table kept from map to map; a larger one (a map of tens of thousands of names) is let go. */
const KEPT_SLOTS = 1 << 16

/** Slot of `hash` in a table of `mask + 1` slots: the hash xor the seed, through murmur3's 32-bit finalizer. */
function slotOf(hash: number, seed: number, mask: number): number {
  let h = hash ^ seed
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) & mask
}

/**
 * The hashes of a map's names so far, to spot a name given twice (two names of one hash go to
 * the avsc path too, which decides). Reused from map to map: an array emptied with `length = 0`
 * gives up its storage, and refilling it allocated again for every map of every event.
 *
 * The first LINEAR_NAMES names are compared one by one, which for the usual ~20 features beats
 * any table and allocates nothing. Past them, comparing each name with all earlier ones is
 * quadratic (a 1 MB prediction of 200,000 short names took 35 s), so the hashes go into an
 * open-addressing table (linear probing, at most half full): linear time. A hash's first slot
 * is drawn from the hash and a random seed, so that names chosen to share slots cannot make the
 * probing quadratic again; the seed decides only where a hash sits, never whether it is found.
 * A slot is taken when it holds the current stamp: a new map takes a new stamp instead of a
 * pass over the table.
 */
export class NameHashes {
  /** This map's hashes, in order. */
  private hashes = new Int32Array(LINEAR_NAMES)
  private count = 0
  private slots = new Int32Array(0)
  private stamps = new Uint32Array(0)
  private stamp = 0
  /** Whether the table holds this map's hashes (it does once the map has more than LINEAR_NAMES). */
  private indexed = false
  private readonly seed = (Math.random() * 0x100000000) | 0

  clear(): void {
    this.count = 0
    if (!this.indexed) return
    this.indexed = false
    if (this.slots.length > KEPT_SLOTS) {
      this.slots = new Int32Array(0)
      this.stamps = new Uint32Array(0)
      this.hashes = new Int32Array(LINEAR_NAMES)
    }
  }

  /** Adds `hash`; false when it was there already. */
  add(hash: number): boolean {
    const { hashes, count } = this
    if (count >= LINEAR_NAMES) return this.addIndexed(hash)
    for (let i = 0; i < count; i++) if (hashes[i] === hash) return false
    hashes[count] = hash // room for LINEAR_NAMES at least
    this.count = count + 1
    return true
  }

  /** `add` past LINEAR_NAMES names: through the table. */
  private addIndexed(hash: number): boolean {
    const { hashes, count } = this
    if (!this.indexed || 2 * (count + 1) > this.slots.length) this.index(count + 1)
    if (!this.insert(hash)) return false
    if (count === hashes.length) {
      this.hashes = new Int32Array(count * 2)
      this.hashes.set(hashes)
    }
    this.hashes[count] = hash
    this.count = count + 1
    return true
  }

  /** Puts this map's hashes so far into the table under a new stamp, first making room for `names` at most half full. */
  private index(names: number): void {
    if (2 * names > this.slots.length) {
      const size = 1 << (32 - Math.clz32(4 * names - 1))
      this.slots = new Int32Array(size)
      this.stamps = new Uint32Array(size)
      this.stamp = 0
    }
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0)
      this.stamp = 0
    }
    this.stamp++
    this.indexed = true
    for (let i = 0; i < this.count; i++) this.insert(this.hashes[i]!)
  }

  /** Puts `hash` in the table; false when it was there already. */
  private insert(hash: number): boolean {
    const { slots, stamps, stamp } = this
    const mask = slots.length - 1
    for (let i = slotOf(hash, this.seed, mask); ; i = (i + 1) & mask) {
      if (stamps[i] !== stamp) {
        stamps[i] = stamp
        slots[i] = hash
        return true
      }
      if (slots[i] === hash) return false
    }
  }
}
