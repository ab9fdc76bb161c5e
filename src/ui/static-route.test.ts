import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { buildUi, ensureUi, uiPaths } from './assets.js'
import { registerUiRoutes } from './static-route.js'

describe('web UI static route', () => {
  const out = mkdtempSync(join(tmpdir(), 'dw-ui-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('serves the built index.html at / and the bundle beside it, with no token and no external reference', async () => {
    const { sizes } = await buildUi({ ...uiPaths(), out })
    const app = Fastify()
    registerUiRoutes(app, out)
    const index = await app.inject({ url: '/' })
    expect(index.statusCode).toBe(200)
    expect(index.headers['content-type']).toMatch(/^text\/html/)
    expect(index.body).toContain('<script src="app.js"></script>')
    const bundle = await app.inject({ url: '/app.js' })
    expect(bundle.statusCode).toBe(200)
    expect(bundle.headers['content-type']).toMatch(/javascript/)
    expect(Number(bundle.headers['content-length'])).toBe(sizes['app.js'])
    // Nothing is fetched from elsewhere: no absolute URL in src/href attributes of the page.
    expect(index.body).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect((await app.inject({ url: '/../package.json' })).statusCode).toBe(404)
    await app.close()
  })

  it('ensureUi rebuilds a bundle older than its sources, and leaves a fresh one alone', async () => {
    const paths = { ...uiPaths(), out }
    await buildUi(paths)
    const app = join(out, 'app.js')
    utimesSync(app, new Date(0), new Date(0))
    await ensureUi(paths)
    const rebuilt = statSync(app).mtimeMs
    expect(rebuilt).toBeGreaterThan(0)
    await ensureUi(paths)
    expect(statSync(app).mtimeMs).toBe(rebuilt)
  })
})
