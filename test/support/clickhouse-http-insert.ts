/**
 * The ClickHouse HTTP interface for one kind of request, `INSERT … SELECT * FROM input('…')
 * FORMAT RowBinary` with the rows as the body (what Store.insertRowBinary sends a server:
 * clientInsertRowBinary), answered by the embedded engine: no ClickHouse server can run on the
 * test machine, and chDB's connection for @clickhouse/client reads a body as text, which binary
 * rows do not survive.
 *
 * The body is written to a file byte for byte and the statement runs with `input(structure)`
 * read as `file(that file, RowBinary, structure)`, the settings sent as URL parameters added to
 * its SETTINGS clause; an engine error is answered as a server answers it (HTTP 500,
 * `Code: N. DB::Exception: …`), which the client turns into its ClickHouseError. Anything else is
 * answered 400, so a test fails loudly when the client sends something this does not understand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clickHouseCodeOf } from '../../src/store/refusals.js'
import { sqlString } from '../../src/store/sql-text.js'

export interface InsertEndpoint {
  readonly url: string
  /** Statements received, as sent. */
  readonly received: string[]
  close(): Promise<void>
}

/** Settings the client sends with every request that a query cannot take in its SETTINGS clause. */
const NOT_QUERY_SETTINGS = new Set(['query', 'database', 'query_id', 'session_id', 'default_format'])

/** The engine's error name, from the error's chain (chDB's errors carry it as `type` or in the message). */
function errorName(e: unknown): string {
  for (let cur: unknown = e; cur !== null && typeof cur === 'object'; cur = (cur as { cause?: unknown }).cause) {
    const m = /\(([A-Z][A-Z0-9_]{2,})\)/.exec(String((cur as Error).message))
    if (m) return m[1]!
  }
  return 'UNKNOWN_EXCEPTION'
}

export async function insertEndpoint(run: (sql: string) => Promise<unknown>): Promise<InsertEndpoint> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-http-insert-'))
  const received: string[] = []
  let n = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://localhost')
        const query = url.searchParams.get('query') ?? ''
        received.push(query)
        const shape = /^(INSERT INTO [^\n]+\n SETTINGS )([^\n]+)\n SELECT \* FROM input\(('(?:[^'\\]|\\.)*')\) FORMAT RowBinary$/.exec(query)
        if (req.method !== 'POST' || !shape || req.headers['content-encoding']) {
          res.writeHead(400).end(`not an uncompressed INSERT … SELECT * FROM input(…) FORMAT RowBinary: ${query}`)
          return
        }
        const file = join(dir, `${++n}.bin`)
        writeFileSync(file, Buffer.concat(chunks))
        const settings = [...url.searchParams].filter(([k]) => !NOT_QUERY_SETTINGS.has(k)).map(([k, v]) => `${k} = ${sqlString(v)}`)
        const sql = `${shape[1]}${[...settings, shape[2]].join(', ')}\n SELECT * FROM file(${sqlString(file)}, RowBinary, ${shape[3]})`
        try {
          await run(sql)
          res.writeHead(200, { 'X-ClickHouse-Summary': '{}' }).end()
        } catch (e) {
          // A server's error body: `Code: N. DB::Exception: message (NAME)`.
          const code = clickHouseCodeOf(e) ?? 1001
          const message = String((e as Error).message).replace(/^Code: \d+\. DB::Exception: /, '')
          const name = /\(([A-Z0-9_]+)\)/.exec(message)?.[1] ?? errorName(e)
          res.writeHead(500, { 'X-ClickHouse-Exception-Code': String(code) }).end(`Code: ${code}. DB::Exception: ${message} (${name}) (version chdb)`)
        } finally {
          rmSync(file, { force: true })
        }
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
