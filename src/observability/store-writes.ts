/**
 * Whether the store takes writes now, as the writes themselves found: /readyz is not ready while
 * the last write failed (src/observability/readiness.ts). `SELECT 1` answers on a full or
 * read-only disk, where every insert fails (the engine's file cannot be written, ENOSPC; or
 * ClickHouse cannot reserve space for the part, NOT_ENOUGH_SPACE).
 *
 * `trackStoreWrites` returns the same Store with its inserts (`client.insert`, `insertRowBinary`)
 * and the files of its string sets (`withStringSet`, written before the set is used) watched: a
 * failure marks the store failing, an insert that succeeds marks it taking writes again. A string
 * set written does not: a batch writes its set before its insert, and a small file may fit where
 * the insert's part does not, so each batch would say ready just before its insert fails. A
 * refusal for the rows' content (DW_STORE_REJECTED, src/store/refusals.ts) says nothing about the
 * store and is not counted.
 *
 * The watch travels with the store object (`storeWritesOf`): whoever is handed the store (the
 * readiness check) finds it, without a second thing to pass along.
 */
import type { ClickHouseClient } from '@clickhouse/client'
import { DriftwatchError, isDriftwatchError, type ErrorCode } from '../errors.js'
import type { Store } from '../store/clickhouse.js'
import { contentRefusal } from '../store/refusals.js'

export interface WriteFailure {
  /** The store's code: the failure's own when it is a DriftwatchError, else DW_CLICKHOUSE_UNAVAILABLE (as insert.ts reports it). */
  readonly code: ErrorCode
  readonly error: unknown
}

export class StoreWrites {
  private last: WriteFailure | null = null

  failed(error: unknown): void {
    if (contentRefusal(error) || (isDriftwatchError(error) && !error.retriable)) return
    this.last = { code: isDriftwatchError(error) ? error.code : 'DW_CLICKHOUSE_UNAVAILABLE', error }
  }

  succeeded(): void {
    this.last = null
  }

  /** The failure of the last write, or null while writes succeed (or none failed yet). */
  failure(): WriteFailure | null {
    return this.last
  }

  /** The failure as the error a readiness check throws: its code and the store's message. */
  failureError(): DriftwatchError | null {
    const f = this.last
    if (!f) return null
    return isDriftwatchError(f.error) ? f.error : new DriftwatchError(f.code, `writes to ClickHouse fail: ${(f.error as Error)?.message ?? String(f.error)}`, { cause: f.error, retriable: true })
  }
}

const watched = new WeakMap<Store, StoreWrites>()

/** The watch of a store returned by trackStoreWrites; undefined for any other store. */
export function storeWritesOf(store: Store): StoreWrites | undefined {
  return watched.get(store)
}

export function trackStoreWrites(store: Store, writes: StoreWrites = new StoreWrites()): Store {
  const outcome = async <R>(write: () => Promise<R>): Promise<R> => {
    try {
      const result = await write()
      writes.succeeded()
      return result
    } catch (e) {
      writes.failed(e)
      throw e
    }
  }
  const insert: ClickHouseClient['insert'] = (params) => outcome(() => store.client.insert(params))
  const client = new Proxy(store.client, {
    get(target, prop, receiver) {
      if (prop === 'insert') return insert
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
  const tracked: Store = {
    ...store,
    client,
    insertRowBinary: (table, layout, payload, dedupToken) => outcome(() => store.insertRowBinary(table, layout, payload, dedupToken)),
    async withStringSet(values, use) {
      let written = false
      try {
        return await store.withStringSet(values, (set) => {
          written = true
          return use(set)
        })
      } catch (e) {
        if (!written) writes.failed(e)
        throw e
      }
    },
  }
  watched.set(tracked, writes)
  return tracked
}
