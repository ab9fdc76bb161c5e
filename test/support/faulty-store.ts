/**
 * Fault injection at the ClickHouse edge: while `down` is set, every query, insert and command
 * rejects the way a refused connection does. chDB runs in-process and cannot be stopped, so an
 * outage is simulated here, below everything driftwatch does with the client.
 */
import type { ClickHouseClient } from '@clickhouse/client'
import { openStore, type ClickHouseSettings, type Store } from '../../src/store/clickhouse.js'

export interface FaultSwitch {
  down: boolean
  rejected: number
}

export function faultyOpenStore(fault: FaultSwitch): (settings: ClickHouseSettings) => Store {
  return (settings) => {
    const store = openStore(settings)
    const client = new Proxy(store.client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown
        if (typeof value !== 'function' || !['query', 'insert', 'command', 'exec'].includes(String(prop))) return value
        return (...args: unknown[]) => {
          if (fault.down) {
            fault.rejected++
            return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123 (injected outage)'), { code: 'ECONNREFUSED' }))
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    }) as ClickHouseClient
    return { ...store, client }
  }
}
