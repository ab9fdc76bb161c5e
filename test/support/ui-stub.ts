/**
 * The built web UI served beside a stub read API (fixed JSON, no pipeline), and a headless
 * Chromium to open it: for browser tests of pages whose data is easier written than produced.
 * `api` answers a /v1/ request (its path split into decoded parts) or returns undefined for the
 * default, an empty page of items; anything else is a file of the built UI.
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { buildUi, uiPaths } from '../../src/ui/assets.js'
import { launchChromium } from './browser.js'

export interface StubAnswer {
  readonly body: unknown
  readonly status?: number
}

export type StubApi = (url: URL, parts: readonly string[]) => StubAnswer | undefined

/** Registers the suite's beforeAll / afterAll; `base()` is the UI's address, `browser()` the browser. */
export function uiWithStubApi(prefix: string, api: StubApi): { base: () => string; browser: () => Browser } {
  let server: Server | undefined
  let browser: Browser | undefined
  let base = ''
  let out = ''
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), prefix))
    await buildUi({ source: uiPaths().source, out })
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x')
      if (url.pathname.startsWith('/v1/')) {
        const answer = api(url, url.pathname.split('/').map(decodeURIComponent)) ?? { body: { items: [], next_cursor: null } }
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' })
        return void res.end(JSON.stringify(answer.body))
      }
      const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1)
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' })
      res.end(readFileSync(join(out, file)))
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await new Promise((r) => server?.close(r))
    rmSync(out, { recursive: true, force: true })
  })
  return { base: () => base, browser: () => browser! }
}
