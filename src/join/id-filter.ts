/**
 * Which prediction ids may already be stored: a Bloom filter over the ids of the predictions table,
 * so the id rule (id-conflicts.ts) asks ClickHouse only about the ids that may be there. Ids the
 * filter has never seen are certainly not stored as of the filter's last load, which answers the
 * rule for a fresh id without a query. Pure: no I/O; joiner.ts loads it and keeps it current.
 *
 * Conventions:
 * - An id is hashed twice over its UTF-8 bytes: MurmurHash3 x86_32 and xxHash32, both with seed 0,
 *   which ClickHouse computes as `murmurHash3_32(s)` and `xxHash32(s)`, so the engine can hash the
 *   stored ids and hand over 8 bytes per id instead of the id (`STORED_ID_HASHES`).
 * - Bit i of an id, for i in 0..k-1, is (h1 + i·h2) mod m (Kirsch and Mitzenmacher's double
 *   hashing), with BITS_PER_ID bits per id of capacity and k = HASHES: about 7e-5 false positives
 *   per fresh id at capacity, fewer below it. Past capacity the rate grows, and joiner.ts loads a
 *   larger filter, up to 2^25 ids (joiner.ts MAX_ID_FILTER_CAPACITY), so bit indexes stay below 2^32.
 * - A filter built for more ids than its capacity (the largest one, with more stored) takes fewer
 *   hashes: k = round(ln 2 · m / n) for the n ids it is built for, the count that makes its false
 *   positives fewest at n (`hashesFor`). At three times its capacity that is 5 hashes and about
 *   4 % false positives, where 14 would give about 16 %. k is fixed when it is built: ids added
 *   later raise the rate as for any filter past its capacity.
 * - A filter never forgets an id: ids deleted from the table (erasure, retention) stay "maybe"
 *   until the next load, which only costs a lookup. A false "absent" is the one outcome that would
 *   matter, and only an id stored by another writer after the last load can give it (joiner.ts says
 *   when that is possible).
 */

export const BITS_PER_ID = 20
export const HASHES = 14

/** The pair of hashes the engine computes for a stored id; the same as `idHashes` below. */
export const STORED_ID_HASHES = 'murmurHash3_32(prediction_id), xxHash32(prediction_id)'

/**
 * The hashes per id of a filter of `capacity` built for `ids` ids: HASHES up to its capacity, then
 * round(ln 2 · bits / ids), the fewest false positives at that fill, and at least 1.
 */
export function hashesFor(capacity: number, ids: number): number {
  if (!(ids > capacity)) return HASHES
  return Math.max(1, Math.min(HASHES, Math.round((Math.LN2 * capacity * BITS_PER_ID) / ids)))
}

export class IdFilter {
  private readonly bits: Uint32Array
  private readonly m: number
  /** Hashes per id (hashesFor). */
  readonly hashes: number
  private added = 0

  /** `ids`: how many ids it is built for, when more than `capacity` (a filter held at its largest). */
  constructor(readonly capacity: number, ids = capacity) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`id filter capacity must be a positive integer, got ${capacity}`)
    this.m = Math.ceil((capacity * BITS_PER_ID) / 32) * 32
    this.bits = new Uint32Array(this.m / 32)
    this.hashes = hashesFor(capacity, ids)
  }

  /** Ids added, counted with repeats, reached `capacity`: past it the false-positive rate grows. */
  get full(): boolean {
    return this.added >= this.capacity
  }

  addHashes(h1: number, h2: number): void {
    const m = this.m
    const step = h2 % m
    let bit = h1 % m
    for (let i = 0, k = this.hashes; i < k; i++) {
      this.bits[bit >>> 5]! |= 1 << (bit & 31)
      bit += step
      if (bit >= m) bit -= m
    }
    this.added++
  }

  mayHoldHashes(h1: number, h2: number): boolean {
    const m = this.m
    const step = h2 % m
    let bit = h1 % m
    for (let i = 0, k = this.hashes; i < k; i++) {
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false
      bit += step
      if (bit >= m) bit -= m
    }
    return true
  }

  add(id: string): void {
    idHashes(id, pair)
    this.addHashes(pair[0], pair[1])
  }

  mayHold(id: string): boolean {
    idHashes(id, pair)
    return this.mayHoldHashes(pair[0], pair[1])
  }
}

const pair: [number, number] = [0, 0]
let scratch = new Uint8Array(256)
const encoder = new TextEncoder()

/** MurmurHash3 x86_32 and xxHash32 (seed 0) of the id's UTF-8 bytes, into `out`. */
export function idHashes(id: string, out: [number, number]): void {
  let n = id.length
  let ascii = n <= scratch.length
  if (ascii) {
    for (let i = 0; i < n; i++) {
      const c = id.charCodeAt(i)
      if (c >= 0x80) {
        ascii = false
        break
      }
      scratch[i] = c
    }
  }
  if (!ascii) {
    if (scratch.length < n * 3) scratch = new Uint8Array(n * 3)
    n = encoder.encodeInto(id, scratch).written
  }
  out[0] = murmur3(scratch, n)
  out[1] = xxh32(scratch, n)
}

/** The little-endian 32-bit word at `i`, signed (the hashes' arithmetic); `>>> 0` reads it unsigned. */
export const word = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r))

/** MurmurHash3 x86_32, seed 0, of the first `n` bytes. */
function murmur3(b: Uint8Array, n: number): number {
  const c1 = 0xcc9e2d51
  const c2 = 0x1b873593
  let h = 0
  const tail = n & ~3
  for (let i = 0; i < tail; i += 4) {
    let k = Math.imul(word(b, i), c1)
    k = Math.imul(rotl(k, 15), c2)
    h = rotl(h ^ k, 13)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  const rest = n & 3
  if (rest > 0) {
    let k = b[tail]!
    if (rest > 1) k ^= b[tail + 1]! << 8
    if (rest > 2) k ^= b[tail + 2]! << 16
    k = Math.imul(k, c1)
    k = Math.imul(rotl(k, 15), c2)
    h ^= k
  }
  h ^= n
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const P1 = 0x9e3779b1
const P2 = 0x85ebca77
const P3 = 0xc2b2ae3d
const P4 = 0x27d4eb2f
const P5 = 0x165667b1

/** xxHash32, seed 0, of the first `n` bytes. */
function xxh32(b: Uint8Array, n: number): number {
  let i = 0
  let h: number
  if (n >= 16) {
    let v1 = (P1 + P2) | 0
    let v2 = P2
    let v3 = 0
    let v4 = -P1 | 0
    const limit = n - 16
    while (i <= limit) {
      v1 = Math.imul(rotl((v1 + Math.imul(word(b, i), P2)) | 0, 13), P1)
      v2 = Math.imul(rotl((v2 + Math.imul(word(b, i + 4), P2)) | 0, 13), P1)
      v3 = Math.imul(rotl((v3 + Math.imul(word(b, i + 8), P2)) | 0, 13), P1)
      v4 = Math.imul(rotl((v4 + Math.imul(word(b, i + 12), P2)) | 0, 13), P1)
      i += 16
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0
  } else {
    h = P5
  }
  h = (h + n) | 0
  for (; i + 4 <= n; i += 4) h = Math.imul(rotl((h + Math.imul(word(b, i), P3)) | 0, 17), P4)
  for (; i < n; i++) h = Math.imul(rotl((h + Math.imul(b[i]!, P5)) | 0, 11), P1)
  h ^= h >>> 15
  h = Math.imul(h, P2)
  h ^= h >>> 13
  h = Math.imul(h, P3)
  h ^= h >>> 16
  return h >>> 0
}
