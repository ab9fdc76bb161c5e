/**
 * One ClickHouse client for the whole process, either a ClickHouse server (CLICKHOUSE_URL) or
 * chDB, the ClickHouse engine in-process, plugged into @clickhouse/client through its pluggable
 * connection. Nothing above this file knows which one it talks to.
 *
 * chDB binds one data directory per process (see ARCHITECTURE.md): every role of an embedded
 * deployment shares this one client.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import { redactedUrl } from '../config/redact.js'
import { DriftwatchError } from '../errors.js'
import { ConnectionPool } from './connection-pool.js'
import { lockDataDir } from './data-dir-lock.js'
import { detachStdinFromEngine } from './engine-stdin.js'
import { sqlIdentifier, sqlString } from './sql-text.js'
import type { RowLayout } from './rows.js'
import { tsvEscape } from './tsv.js'

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
   * Inserts RowBinary rows of `layout` (src/store/row-buffer.ts, rows.ts) into `table` of this
   * database, with a deduplication token. The payload goes to the engine's own parser as bytes: a
   * file the embedded engine reads (chdbFileInsertRowBinary), the HTTP body on a server
   * (clientInsertRowBinary). Use insertBinaryRows (insert.ts).
   */
  insertRowBinary(table: string, layout: RowLayout, payload: Buffer, dedupToken: string): Promise<void>
  /**
   * Runs `use` with a set of strings the engine can read, for `column IN ${set.sql}` with
   * `set.params` among the query's parameters: a file the embedded engine reads, a query
   * parameter on a server (chdbStringSet). For sets of thousands (the join's id lookups).
   */
  withStringSet<T>(values: readonly string[], use: (set: StringSet) => Promise<T>): Promise<T>
  /**
   * Runs a SELECT (no FORMAT clause, no parameters) and hands its result, RowBinary, to `onChunk`
   * as it comes, for results too large to hold as one text: chunks end anywhere, within a row
   * too. The embedded engine's result stream (chdbStreamRowBinary); on a server, the HTTP
   * response body (clientStreamRowBinary).
   */
  streamRowBinary(query: string, onChunk: (bytes: Uint8Array) => void): Promise<void>
  close(): Promise<void>
}

export interface StringSet {
  /** A subquery or parameter to write after IN. */
  readonly sql: string
  readonly params: Readonly<Record<string, unknown>>
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

/**
 * The INSERT of RowBinary rows of `layout` read from `source`, a table function of the rows
 * (`file(…)` or `input(…)`) with the layout's types: the engine reads the bytes by those types and
 * converts them to the table's columns (rows.ts RowLayout). The deduplication token is a setting
 * of the INSERT (it applies to an INSERT … SELECT as to a plain one), spliced in as an escaped
 * string literal: ClickHouse takes no query parameter there.
 *
 * `max_partitions_per_insert_block = 0`: predictions are partitioned by the month of their event
 * time, and a batch may span any of the 3,600 months validation accepts (a backfill of history).
 * ClickHouse refuses a block touching more than 100 partitions by default (TOO_MANY_PARTS, code
 * 252, the code of a table overloaded with parts, which is retried): the same batch failed on
 * every retry and its partition stopped. A batch of a month or two, the stream's usual, is the
 * same insert either way.
 */
function insertStatement(database: string, table: string, layout: RowLayout, source: (structure: string) => string, dedupToken: string): string {
  return `INSERT INTO ${sqlIdentifier(database)}.${sqlIdentifier(table)} (${layout.columns.map(sqlIdentifier).join(', ')})
 SETTINGS insert_deduplication_token = ${sqlString(dedupToken)}, max_partitions_per_insert_block = 0
 SELECT * FROM ${source(sqlString(layout.structure))}`
}

/**
 * Store.insertRowBinary through @clickhouse/client, the server path: the payload is the HTTP
 * body of `INSERT … SELECT * FROM input(…) FORMAT RowBinary` (`exec` with values: the client's
 * `insert` takes no binary format), and the response is read to its end before the insert counts
 * as done.
 */
export function clientInsertRowBinary(client: ClickHouseClient, database: string): Store['insertRowBinary'] {
  return async (table, layout, payload, dedupToken) => {
    const query = `${insertStatement(database, table, layout, (structure) => `input(${structure})`, dedupToken)} FORMAT RowBinary`
    const result = await client.exec({ query, values: Readable.from([payload], { objectMode: false }) })
    for await (const _ of result.stream) {
      // an INSERT answers with an empty body; reading it frees the connection
    }
  }
}

/**
 * A new file name for the engine to read, unique in the process: stores opened on one data
 * directory in one process (tests run several apps so) share the directory, and a name starting
 * with another process id is a file left by a process that has stopped (removeStaleEngineFiles).
 */
let engineFiles = 0
const engineFile = (dir: string, kind: string) => join(dir, `${process.pid}-${++engineFiles}-${kind}`)

/**
 * A server's answer as it comes. `wait_end_of_query`: the server sends the body only once the
 * query has finished, so an error part-way (which a server before 24.11 writes as text into a
 * 200 answer, where RowBinary would read it as rows) comes back as an error instead.
 */
export function clientStreamRowBinary(client: ClickHouseClient): Store['streamRowBinary'] {
  return async (query, onChunk) => {
    const { stream } = await client.exec({ query: `${query}\nFORMAT RowBinary`, clickhouse_settings: { wait_end_of_query: 1 } })
    for await (const chunk of stream as AsyncIterable<Buffer>) onChunk(chunk)
  }
}

/**
 * The embedded engine's result stream, on a connection of the pool that takes no other statement
 * until the stream ends: chDB keeps one stream per connection, and a statement issued on it
 * between two chunks ends the stream ("No active streaming query").
 */
function chdbStreamRowBinary(pool: ConnectionPool<ChdbConnection>): Store['streamRowBinary'] {
  return (query, onChunk) =>
    pool.runExclusive(async (c) => {
      for await (const chunk of c.chdb.queryStream(query, { format: 'RowBinary' })) onChunk(chunk.raw())
    })
}

/** Removes the files of other processes from `dir` (created if missing): run when a store opens, as the data directory's lock holder. */
export function removeStaleEngineFiles(dir: string): void {
  mkdirSync(dir, { recursive: true })
  for (const name of readdirSync(dir)) if (!name.startsWith(`${process.pid}-`)) rmSync(join(dir, name), { force: true })
}

/** Store.withStringSet on a server: the set is the query parameter `string_set`. */
export async function parameterStringSet<T>(values: readonly string[], use: (set: StringSet) => Promise<T>): Promise<T> {
  return use({ sql: '{string_set:Array(String)}', params: { string_set: values } })
}

/**
 * Writes a file the engine then reads. A failure is the machine's (the data directory's disk full
 * or read-only, too many open files): a retriable DW_CLICKHOUSE_UNAVAILABLE naming the directory,
 * so ingest pauses and retries as it does when the engine itself cannot write, and never takes
 * the records for the cause.
 */
async function writeEngineFile(file: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(file, data)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error'
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `the embedded engine's file ${file} cannot be written (${code}): check the space and permissions of DRIFTWATCH_DATA_DIR`, { cause, retriable: true })
  }
}

/**
 * Store.withStringSet for the embedded engine: the values, one per line TSV-escaped, go to a file
 * in `dir` that the engine reads as a table (`file()`), removed when `use` settles. chDB takes a
 * query parameter of 10,800 ids (`{ids:Array(String)}`) for 40-60 ms of CPU before it reads
 * anything; the id screen with 200,000 predictions stored cost 17 ms from a file against 25 with
 * the parameter (scripts/bench/engine-transfer.ts, docs/performance.md).
 */
export function chdbStringSet(dir: string): Store['withStringSet'] {
  return async (values, use) => {
    const file = engineFile(dir, 'set.tsv')
    try {
      // In the try: a write that fails part-way (a full disk) leaves no file behind either.
      await writeEngineFile(file, values.map((v) => `${tsvEscape(v)}\n`).join(''))
      return await use({ sql: `(SELECT v FROM file(${sqlString(file)}, TabSeparated, 'v String'))`, params: {} })
    } finally {
      await rm(file, { force: true })
    }
  }
}

/**
 * Store.insertRowBinary for the embedded engine: the payload is written to a file in `dir`, the
 * engine reads it as a table (`INSERT … SELECT * FROM file(…, RowBinary, …)`), then the file is
 * removed. A file, because chDB's connection for @clickhouse/client turns a payload into a
 * string, which binary rows do not survive, and because chDB charges about 9 ns of CPU per byte
 * handed to it inline (its raw passthrough insert) before parsing them; and `file()` rather than
 * `INSERT … FROM INFILE`, which reads the same file for more CPU (docs/performance.md,
 * scripts/bench/engine-transfer.ts). The file lives in the store's own data directory, which this
 * process holds alone (data-dir-lock.ts), and is written and removed within the insert, so it
 * rarely reaches the disk. Errors are the engine's, row hint included, as for any insert
 * (refusals.ts). The file's path is spliced into the statement as an escaped string literal.
 */
export function chdbFileInsertRowBinary(queryAsync: (sql: string, opts: { format: string }) => Promise<unknown>, database: string, dir: string): Store['insertRowBinary'] {
  return async (table, layout, payload, dedupToken) => {
    const file = engineFile(dir, 'insert.bin')
    try {
      await writeEngineFile(file, payload) // in the try, as chdbStringSet's
      await queryAsync(insertStatement(database, table, layout, (structure) => `file(${sqlString(file)}, RowBinary, ${structure})`, dedupToken), { format: 'TabSeparated' })
    } finally {
      await rm(file, { force: true })
    }
  }
}

/**
 * Server configuration of the embedded engine (chDB only: a ClickHouse server is configured by
 * its operator, and these are server settings, not session ones). chDB runs a whole ClickHouse
 * server inside this process, with a server's defaults; measured on the bench's workloads
 * (docs/operations.md, "Memory"):
 *
 * - Vertical merges for every wide part. ClickHouse merges small parts horizontally below 131,072
 *   rows: all columns of all source parts are read at once, and the engine's tracked memory
 *   reached ~200 MiB while merging the parts of 4 MiB prediction inserts. Merging the key columns
 *   first and then one column at a time held ~90 MiB, its CPU not higher in that run. Parts under
 *   10 MiB stay compact and merge horizontally either way (vertical is for wide parts only).
 * - Merges that rewrite each row fewer times: `merge_selector_base` 10 instead of 5. The merge
 *   selector merges a range of parts once their total is about ten times the largest of them
 *   (five by default; less as parts age), so a row is rewritten about log10 instead of log5 times
 *   as parts grow. 1.2M bench predictions in 100 inserts of 12,000, two runs each: the engine's
 *   merge threads spent 3.2-3.8 µs per row instead of 7.0-7.2, the inserts did not cost more,
 *   and a partition held up to 28-30 active parts instead of 18-20
 *   (scripts/bench/engine-merges.ts, docs/performance.md).
 * - Caches bounded for a sidecar: mark, primary index, secondary index mark and query condition
 *   caches default to 5 GiB, 5 GiB, 5 GiB and 100 MiB, sized for a dedicated server. They stay
 *   near empty while ingesting, but reads (evaluator, read API, dashboards) fill them over days.
 */
export const CHDB_ENGINE_CONFIG = `<clickhouse>
  <merge_tree>
    <vertical_merge_algorithm_min_rows_to_activate>1</vertical_merge_algorithm_min_rows_to_activate>
    <vertical_merge_algorithm_min_columns_to_activate>1</vertical_merge_algorithm_min_columns_to_activate>
    <merge_selector_base>10</merge_selector_base>
  </merge_tree>
  <mark_cache_size>67108864</mark_cache_size>
  <primary_index_cache_size>33554432</primary_index_cache_size>
  <index_mark_cache_size>33554432</index_mark_cache_size>
  <query_condition_cache_size>16777216</query_condition_cache_size>
</clickhouse>
`

type ChdbConnection = ReturnType<typeof import('chdb/connection').createChdbConnection>

/**
 * Connections to the embedded engine, each call on the least busy one (connection-pool.ts).
 * One chDB connection runs one statement at a time: with one, the id screen of a batch, the marks
 * of another and every read of the evaluator and the read API waited while the engine wrote a
 * third batch. Connections to one data directory share the engine and its data and run their
 * statements at the same time. Three, as many as the Kafka source handles batches at once
 * (src/kafka/source.ts PARTITIONS_CONCURRENTLY). Eight pairs of bench ingests of 300,000 records
 * (docs/performance.md, "Statements at the same time"): 6.7 s instead of 7.6 (medians, start-up included, faster
 * in 7 of 8 pairs), for 37 MiB more peak RSS; two connections did as well as three.
 */
export const CHDB_CONNECTIONS = 3

/**
 * Settings chdb/connection does not SET on the engine: those of the HTTP interface, which it drops,
 * and the output format, which it passes as an option of the call.
 */
const NOT_SET_ON_ENGINE = /^(wait_end_of_query|send_progress_in_http_headers|enable_http_compression|http_.*|default_format)$/

/**
 * The settings of one call that would outlive it: chdb/connection runs a call's clickhouse_settings
 * as SET statements of the connection's session, so they stay for every later statement there. An
 * insert_deduplication_token left so made each later token-less insert on that connection into a
 * table with a deduplication window a repeat of the first, and dropped it. The session's own
 * settings (SESSION_SETTINGS, sent with every call) are not among them.
 */
export function callOnlySettings(settings: Readonly<Record<string, unknown>> | undefined): string[] {
  if (!settings) return []
  const session: Readonly<Record<string, unknown>> = SESSION_SETTINGS
  return Object.keys(settings).filter((k) => settings[k] !== undefined && !NOT_SET_ON_ENGINE.test(k) && !(k in session && session[k] === settings[k]))
}

/**
 * Runs a call on a connection of the pool. One with call-only settings has its connection to
 * itself (runExclusive: no other call is queued on it meanwhile, so none runs between its SET and
 * the reset) and sets them back to the engine's defaults on it afterwards, whether it succeeded or
 * not (its SET may have run before the statement failed; then the call's own error is the one
 * thrown). chdb/connection reads every result into memory before the call returns, so no result
 * is still streaming when the reset runs. Calls without such settings share the connections.
 */
async function withQuerySettings<T>(pool: ConnectionPool<ChdbConnection>, settings: Readonly<Record<string, unknown>> | undefined, call: (c: ChdbConnection) => Promise<T>): Promise<T> {
  const keys = callOnlySettings(settings)
  if (keys.length === 0) return pool.run(call)
  return pool.runExclusive(async (c) => {
    const reset = () => c.command({ query: `SET ${keys.map((k) => `${k} = DEFAULT`).join(', ')}` })
    let result: T
    try {
      result = await call(c)
    } catch (e) {
      await reset().catch(() => undefined)
      throw e
    }
    await reset()
    return result
  })
}

/** A setting's value as a SQL literal of a SETTINGS clause. */
const settingLiteral = (v: unknown): string => (typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? '1' : '0') : sqlString(String(v)))

/**
 * An insert with its call-only settings (a deduplication token) moved into the statement's own
 * SETTINGS clause: `INSERT INTO t SETTINGS k = v FORMAT …` applies them to that insert alone, as a
 * server applies a request's settings, with no SET before it, no reset after it and no connection
 * held meanwhile (insertRows passes a token with the marks and offsets of every batch). null when
 * there are none, or the statement is not the client's `INSERT INTO … FORMAT <format>`.
 */
export function insertWithOwnSettings<P extends { query: string; clickhouse_settings?: Readonly<Record<string, unknown>> }>(params: P): P | null {
  const settings = params.clickhouse_settings
  const own = callOnlySettings(settings)
  const format = /\sFORMAT\s+\w+\s*$/.exec(params.query)
  if (own.length === 0 || !settings || !format || !/^\s*INSERT\s+INTO\s/i.test(params.query)) return null
  const clause = own.map((k) => `${k} = ${settingLiteral(settings[k])}`).join(', ')
  const rest = Object.fromEntries(Object.entries(settings).filter(([k]) => !own.includes(k)))
  return { ...params, query: `${params.query.slice(0, format.index)} SETTINGS ${clause}${format[0]}`, clickhouse_settings: rest }
}

/** @clickhouse/client's Connection over a pool of chDB connections: every call on the least busy member. */
function pooledChdbConnection(pool: ConnectionPool<ChdbConnection>): Pick<ChdbConnection, 'query' | 'exec' | 'command' | 'insert' | 'ping' | 'close'> {
  return {
    query: (params) => withQuerySettings(pool, params.clickhouse_settings, (c) => c.query(params)),
    exec: (params) => withQuerySettings(pool, params.clickhouse_settings, (c) => c.exec(params)),
    command: (params) => withQuerySettings(pool, params.clickhouse_settings, (c) => c.command(params)),
    insert: (params) => {
      const own = insertWithOwnSettings(params)
      return own ? pool.run((c) => c.insert(own)) : withQuerySettings(pool, params.clickhouse_settings, (c) => c.insert(params))
    },
    ping: (params) => pool.run((c) => c.ping(params)),
    // A connection closed while a statement runs on it is torn down only when the statement ends,
    // and until then the engine refuses a session at another data directory (tests open many).
    close: async () => {
      await pool.idle()
      await Promise.all(pool.members.map((c) => c.close()))
    },
  }
}

const chdbSession = (): typeof import('chdb').Session => (require('chdb') as typeof import('chdb')).Session

export function openStore(settings: ClickHouseSettings): Store {
  const database = assertIdentifier(settings.database, 'ClickHouse database')
  const { createClient, ClickHouseLogLevel } = clickhouseClient()
  if (settings.url) {
    const client = createClient({
      url: settings.url,
      // The client's own logger writes multi-line errors with stacks to stderr, beside
      // driftwatch's JSON log; every failure reaches driftwatch, which logs it once.
      log: { level: ClickHouseLogLevel.OFF },
      username: settings.user,
      password: settings.password,
      request_timeout: 60_000,
      ...(settings.caCert ? { tls: { ca_cert: Buffer.from(settings.caCert) } } : {}),
      clickhouse_settings: SESSION_SETTINGS,
      // A batch's id set (src/join/lookup.ts) is one Array(String) query parameter, ~45 bytes a
      // UUID once URL-encoded. In the URL, the tens of thousands of ids of a 4 MiB batch of labels
      // pass ClickHouse's 1 MiB request-line limit (http_max_uri_size), and proxies refuse far
      // less: the lookup would fail on every retry and hold its partition. Past 4,096 characters
      // the client sends the parameters as multipart/form-data parts of the body, which ClickHouse
      // reads since 2022 (ClickHouse#8842).
      use_multipart_params_auto: true,
    })
    return {
      client,
      kind: 'server',
      database,
      location: redactedUrl(settings.url),
      insertRowBinary: clientInsertRowBinary(client, database),
      withStringSet: parameterStringSet,
      streamRowBinary: clientStreamRowBinary(client),
      close: () => client.close(),
    }
  }
  // The engine would read stdin on every insert (./engine-stdin.ts).
  detachStdinFromEngine()
  const path = resolve(settings.dataDir, 'chdb')
  mkdirSync(path, { recursive: true })
  // Says who holds the directory (DW_DATA_DIR_LOCKED) before chDB fails without saying it.
  const unlock = lockDataDir(resolve(settings.dataDir))
  let engine: InstanceType<typeof import('chdb').Session> | null = null
  const members: ChdbConnection[] = []
  try {
    // The engine reads its server configuration once, when the first connection to the directory
    // starts it (later connections to the same directory share that engine). chdb/connection takes
    // no engine arguments, so a plain session opens the directory first with them and lives as long
    // as the store. The file sits beside the data, rewritten on every open: what the engine runs
    // with can be read there.
    const configFile = resolve(settings.dataDir, 'chdb-engine.xml')
    writeFileSync(configFile, CHDB_ENGINE_CONFIG)
    const configured = (engine = new (chdbSession())(path, { connectionArgs: [`--config-file=${configFile}`] }))
    // chdb types its connection against @clickhouse/client-common, which the client package bundles
    // as its own copy; the two declarations are the same interface (chdb/connection's contract).
    while (members.length < CHDB_CONNECTIONS) members.push(chdbConnection().createChdbConnection({ path }))
    const pool = new ConnectionPool(members)
    const connection = pooledChdbConnection(pool) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection']
    const client = createClient({ connection, clickhouse_settings: SESSION_SETTINGS })
    // Files the engine reads (inserts, id sets); those left by a process that stopped mid-query go:
    // this process holds the directory now.
    const files = resolve(settings.dataDir, 'chdb-files')
    removeStaleEngineFiles(files)
    const insertRowBinary = chdbFileInsertRowBinary((sql, opts) => pool.run((c) => c.chdb.queryAsync(sql, opts)), database, files)
    const withStringSet = chdbStringSet(files)
    const close = async () => {
      try {
        await client.close()
        // A statement whose caller stopped waiting (a timeout) still runs in the engine.
        await (require('chdb') as typeof import('chdb')).drainPending()
      } finally {
        configured.close()
        unlock()
      }
    }
    return { client, kind: 'chdb', database, location: path, insertRowBinary, withStringSet, streamRowBinary: chdbStreamRowBinary(pool), close }
  } catch (e) {
    // Connections opened before the failure go first: they hold the engine the session started.
    for (const c of members) void c.close()
    engine?.close()
    unlock()
    throw e
  }
}
