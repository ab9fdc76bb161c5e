/**
 * What the store sends a ClickHouse server for a large id set: the parameters in the request body,
 * not the URL. The receiving end is a plain HTTP server that records the request and answers with
 * no rows; it stands in for nothing else (no ClickHouse server runs here: the same SQL runs on
 * chDB in the integration tests).
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lookupModelsById } from '../join/lookup.js'
import { openStore, type Store } from './clickhouse.js'

interface Seen {
  readonly url: string
  readonly contentType: string
  readonly body: string
}

describe('a server store and large query parameters', () => {
  const seen: Seen[] = []
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({ url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-ClickHouse-Summary': '{}' }).end('')
    })
  })
  let store: Store

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    store = openStore({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, database: 'dw', dataDir: '.' } as Parameters<typeof openStore>[0])
  })
  afterAll(async () => {
    await store.close()
    await new Promise((resolve) => server.close(resolve))
  })

  it('sends the 30,000 ids of a batch in a multipart body, with a short URL', async () => {
    const ids = Array.from({ length: 30_000 }, (_, i) => `0f8fad5b-d9cb-469f-a165-70867728${String(i).padStart(4, '0')}`)
    expect(await lookupModelsById(store, ids)).toEqual(new Map())
    const request = seen.at(-1)!
    expect(request.url.length).toBeLessThan(4096)
    expect(request.url).not.toContain('param_')
    expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/)
    expect(request.body).toContain('name="param_string_set"')
    expect(request.body).toContain(ids[29_999])
  })

  it('keeps a few ids in the URL, as before', async () => {
    await lookupModelsById(store, ['a', 'b'])
    const request = seen.at(-1)!
    expect(request.url).toContain('param_string_set=')
    expect(request.contentType).not.toMatch(/multipart/)
  })
})
