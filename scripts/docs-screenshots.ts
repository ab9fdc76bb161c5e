/**
 * The screenshots in docs/img (docs/web-ui.md, the README), taken from the demo's data as a user
 * sees it: `driftwatch demo` in a temporary working directory (embedded mode: chDB, no Kafka; the
 * default data directory .driftwatch, so the report names its files as a user's would), then
 * `driftwatch start` with the command the demo prints, and each page of the web UI, with the HTML
 * report the demo writes, in headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH,
 * through playwright-core), 1400 px wide (the report 1300 px): whole pages, but the window page
 * down to its performance section (its drift table and distributions; the rest is tables).
 *
 *   npx tsx scripts/docs-screenshots.ts [--out docs/img]
 *
 * The server is started on a free port and stopped at the end; the working directory is removed.
 * Nothing here reads the caller's infrastructure settings (KAFKA_BROKERS, CLICKHOUSE_URL, API
 * tokens, alert channels): the children get a minimal environment.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Page } from 'playwright-core'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'bin', 'driftwatch.js')
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const MODEL = 'loan-approval'

const outIndex = process.argv.indexOf('--out')
const OUT = resolve(ROOT, outIndex > 0 ? process.argv[outIndex + 1] ?? 'docs/img' : 'docs/img')

/** A free TCP port on the loopback address. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => ok(port))
    })
  })
}

/** The shell words `VAR=value` (quoted by the demo as '…' when they need it) that open a printed command. */
function envAssignments(line: string): Record<string, string> {
  const env: Record<string, string> = {}
  const word = /\s*([A-Z_][A-Z0-9_]*)=('(?:[^']|'\\'')*'|\S*)/y
  for (let m = word.exec(line); m !== null; m = word.exec(line)) {
    const raw = m[2]!
    env[m[1]!] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw
  }
  return env
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      process.stdout.write(d)
    })
    child.on('error', fail)
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`driftwatch ${args.join(' ')} exited with ${code}`))))
  })
}

async function waitForModel(base: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`driftwatch start exited with ${server.exitCode}`)
    const models = await fetch(`${base}/v1/models`).then((r) => (r.ok ? (r.json() as Promise<{ items: { model: string }[] }>) : null), () => null)
    if (models?.items.some((m) => m.model === MODEL)) return
    if (Date.now() > deadline) throw new Error(`${base} did not list ${MODEL} within 120 s`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** A page loaded, its later parts filled in and its charts drawn, without the focus ring of its heading. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(`document.body.dataset.state === 'ready' && !document.querySelector('[data-pending]')
    && [...document.querySelectorAll('canvas[data-spec]')].every((c) => c.dataset.drawn === 'true')`, undefined, { timeout: 120_000 })
  await page.evaluate('document.activeElement && document.activeElement.blur()')
}

/** The page, whole or down to the top of the element `above` (a section heading). */
async function shoot(page: Page, name: string, above?: string): Promise<void> {
  const path = join(OUT, `${name}.png`)
  await page.evaluate('window.scrollTo(0, 0)')
  // At the top of the page, the element's box is where it lies in the page.
  const bottom = above === undefined ? null : (await page.locator(above).boundingBox())?.y ?? null
  await page.screenshot({ path, fullPage: true, ...(bottom === null ? {} : { clip: { x: 0, y: 0, width: page.viewportSize()!.width, height: Math.ceil(bottom) } }) })
  process.stdout.write(`wrote ${path}\n`)
}

async function main(): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'driftwatch-screenshots-'))
  const port = await freePort()
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? cwd, DRIFTWATCH_HTTP_PORT: String(port), DRIFTWATCH_LOG_LEVEL: 'warn' }
  let server: ChildProcess | undefined
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  try {
    const printed = await run(['demo'], cwd, env)
    const start = printed.split('\n').find((l) => l.includes('driftwatch start'))
    const report = /^HTML report .*: (.+)$/m.exec(printed)?.[1]
    if (!start || !report) throw new Error('the demo printed no `driftwatch start` command or no HTML report')
    server = spawn(process.execPath, [CLI, 'start'], { cwd, env: { ...env, ...envAssignments(start.trim()) }, stdio: ['ignore', 'inherit', 'inherit'] })
    const base = `http://127.0.0.1:${port}`
    await waitForModel(base, server)
    mkdirSync(OUT, { recursive: true })

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await page.goto(`${base}/#/`)
    await settle(page)
    await shoot(page, 'ui-overview')
    await page.goto(`${base}/#/models/${MODEL}?version=v1&variant=all`)
    await settle(page)
    await shoot(page, 'ui-model')
    // The last window of v1 with drift: its distributions show it.
    const windows = (await (await fetch(`${base}/v1/models/${MODEL}/windows?version=v1&limit=5000`)).json()) as { items: { window_start: string; n_drifted: number }[] }
    const drifted = windows.items.filter((w) => w.n_drifted > 0).at(-1) ?? windows.items.at(-1)!
    await page.goto(`${base}/#/models/${MODEL}/windows/${encodeURIComponent(drifted.window_start)}?version=v1`)
    await settle(page)
    await shoot(page, 'ui-window', 'section[data-page=window] > h2:text-is("Performance")')
    await page.goto(`${base}/#/alerts`)
    await settle(page)
    await shoot(page, 'ui-alerts')
    await page.close()

    const reportPage = await browser.newPage({ viewport: { width: 1300, height: 900 } })
    await reportPage.goto(pathToFileURL(resolve(cwd, report)).href)
    await reportPage.waitForFunction(`document.body.dataset.charts !== undefined`)
    await shoot(reportPage, 'report-html')
  } finally {
    await browser.close()
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r))
      server.kill('SIGTERM')
      await exited
    }
    rmSync(cwd, { recursive: true, force: true })
  }
}

await main()
