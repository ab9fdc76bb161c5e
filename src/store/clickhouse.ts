/**
 * One ClickHouse client for the whole process, either a ClickHouse server (CLICKHOUSE_URL) or
 * chDB, the ClickHouse engine in-process, plugged into @clickhouse/client through its pluggable
 * connection. Nothing above this file knows which one it talks to.
 *
 * chDB binds one data directory per process (see ARCHITECTURE.md): every role of an embedded
 * deployment shares this one client.
 */
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import { DriftwatchError } from '../errors.js'
import { lockDataDir } from './data-dir-lock.js'

export interface ClickHouseSettings {
  readonly url: string | null
  readonly user: string
  readonly password: string
  readonly database: string
  readonly dataDir: string
  /** PEM CA certificate for an https URL. */
  readonly caCert?: string | null
}

export interface Store {
  readonly client: ClickHouseClient
  readonly kind: 'server' | 'chdb'
  /** Validated database name; safe to splice into SQL as an identifier. */
  readonly database: string
  /** Where the data lives: the server URL or the chDB directory. */
  readonly location: string
  /**
   * Inserts TabSeparated lines (src/store/tsv.ts) into `table` of this database, with a
   * deduplication token. The payload goes to the engine's own parser as bytes: chDB's raw
   * passthrough insert in process, the HTTP body on a server. Use insertLines (insert.ts).
   */
  insertTsv(table: string, columns: readonly string[], payload: Buffer, dedupToken: string): Promise<void>
  close(): Promise<void>
}

/**
 * Settings that make chDB and a server answer alike. chDB's defaults differ from a server's on
 * JSON output of 64-bit integers; we pin the server's default (quoted) on both.
 */
const SESSION_SETTINGS = {
  output_format_json_quote_64bit_integers: 1,
  async_insert: 0,
} as const

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new DriftwatchError('DW_CONFIG_INVALID', `${what} "${name}" is not a plain identifier (letters, digits, _)`)
  }
  return name
}

/**
 * The storage engine is loaded when a store is opened, not when this module is: chDB is a native
 * library of ~250 MB resident, which `driftwatch --help`, `report` or a Kafka-mode backfill never
 * need. Both packages are CommonJS, so a synchronous require keeps openStore synchronous.
 */
const require = createRequire(import.meta.url)
const clickhouseClient = (): typeof import('@clickhouse/client') => require('@clickhouse/client') as typeof import('@clickhouse/client')
const chdbConnection = (): typeof import('chdb/connection') => require('chdb/connection') as typeof import('chdb/connection')

/** Store.insertTsv through @clickhouse/client: the payload is the HTTP body of `INSERT … FORMAT TabSeparated`. */
export function clientInsertTsv(client: ClickHouseClient, database: string): Store['insertTsv'] {
  return async (table, columns, payload, dedupToken) => {
    await client.insert({
      table: `${database}.${table}`,
      values: Readable.from([payload], { objectMode: false }),
      format: 'TabSeparated',
      columns: [...columns] as [string, ...string[]],
      clickhouse_settings: { insert_deduplication_token: dedupToken },
    })
  }
}

export function openStore(settings: ClickHouseSettings): Store {
  const database = assertIdentifier(settings.database, 'ClickHouse database')
  const { createClient } = clickhouseClient()
  if (settings.url) {
    const client = createClient({
      url: settings.url,
      username: settings.user,
      password: settings.password,
      request_timeout: 60_000,
      ...(settings.caCert ? { tls: { ca_cert: Buffer.from(settings.caCert) } } : {}),
      clickhouse_settings: SESSION_SETTINGS,
    })
    return { client, kind: 'server', database, location: settings.url, insertTsv: clientInsertTsv(client, database), close: () => client.close() }
  }
  const path = resolve(settings.dataDir, 'chdb')
  mkdirSync(path, { recursive: true })
  // Says who holds the directory (DW_DATA_DIR_LOCKED) before chDB fails without saying it.
  const unlock = lockDataDir(resolve(settings.dataDir))
  try {
    // chdb types its connection against @clickhouse/client-common, which the client package bundles
    // as its own copy; the two declarations are the same interface (chdb/connection's contract).
    const chdb = chdbConnection().createChdbConnection({ path })
    const connection = chdb as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection']
    const client = createClient({ connection, clickhouse_settings: SESSION_SETTINGS })
    // The raw passthrough insert: the Buffer goes to chDB's parser without a copy into a query string.
    const insertTsv = async (table: string, columns: readonly string[], payload: Buffer, dedupToken: string) => {
      await chdb.chdb.rawInsert({ table: `${database}.${table}`, values: payload, format: 'TabSeparated', columns, settings: { insert_deduplication_token: dedupToken } })
    }
    const close = async () => {
      try {
        await client.close()
      } finally {
        unlock()
      }
    }
    return { client, kind: 'chdb', database, location: path, insertTsv, close }
  } catch (e) {
    unlock()
    throw e
  }
}
