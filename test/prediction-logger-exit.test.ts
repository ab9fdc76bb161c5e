/**
 * A process that ends without awaiting the prediction logger's close(): the events it buffered
 * are delivered before it exits (the logger holds the process open, up to flushTimeoutMs), even
 * when no Kafka connection is open any more; and what process.exit() cuts off is a warning with
 * the count, never a silent loss.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const root = join(import.meta.dirname, '..')

describe('createPredictionLogger in a process that ends without close()', () => {
  const config = testConfig({ partitions: 2 })
  let app: App
  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config).catch(() => undefined)
  })

  const runChild = (idPrefix: string, how: 'idle' | 'exit' | 'close-exit') =>
    new Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }>((resolve, reject) => {
      const args = [config.kafka!.brokers.join(','), config.registryUrl!, config.topics.predictions.replace(/predictions$/, ''), idPrefix, '50', how]
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/prediction-logger-exit-child.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      // The logger holds the process at most flushTimeoutMs (30 s by default); longer is a hang.
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
      child.on('error', reject)
      child.on('exit', (code) => {
        clearTimeout(timer)
        const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
        resolve({ code, lines, stderr })
      })
    })

  it('delivers the buffered events before exiting, with the producer connection closed as an idle one', { timeout: 120_000 }, async () => {
    const idPrefix = `idle_${randomBytes(3).toString('hex')}`
    const { code, lines, stderr } = await runChild(idPrefix, 'idle')
    expect(code).toBe(0)
    expect(lines[0]).toMatchObject({ at: 'logged', stats: { buffered: 50 } })
    expect(lines.at(-1)).toMatchObject({ at: 'exit', stats: { buffered: 0, sent: 50 } })
    expect(stderr).not.toMatch(/never delivered/)
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id LIKE '${idPrefix}-%'`), (c) => c === 50, { what: '50 predictions' })
  })

  it('process.exit() with events buffered prints a warning naming their count and passes it to onError', { timeout: 120_000 }, async () => {
    const { code, lines, stderr } = await runChild(`exit_${randomBytes(3).toString('hex')}`, 'exit')
    expect(code).toBe(0)
    expect(stderr).toMatch(/DriftwatchError: the process is ending with 50 event\(s\) the prediction logger never delivered/)
    const exit = lines.at(-1) as { at: string; errors: string[] }
    expect(exit.at).toBe('exit')
    expect(exit.errors).toEqual([expect.stringMatching(/ending with 50 event\(s\)/)])
  })

  it('process.exit() while a close() nobody awaited still runs reports the events it held', { timeout: 120_000 }, async () => {
    const { code, stderr } = await runChild(`cexit_${randomBytes(3).toString('hex')}`, 'close-exit')
    expect(code).toBe(0)
    expect(stderr).toMatch(/the process is ending with 50 event\(s\) the prediction logger never delivered/)
  })
})
