/**
 * The embedded engine never reads the process's standard input. chDB runs ClickHouse's client code
 * in the process, which asks stdin for more rows on every INSERT (src/store/engine-stdin.ts):
 * - with bytes on a stdin that stays open, an insert read them and then waited for the end of
 *   input forever (an integration worker inheriting a socket as stdin sat idle so, in read(0));
 * - with rows on stdin, they were stored beside the insert's own, in the table being written.
 * A child process opens the engine, migrates and inserts with each kind of stdin.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
const dirs: string[] = []

/**
 * Runs the probe with its stdin the read end of a shell pipe from `source` (a blocking pipe, as a
 * supervisor or `cmd | driftwatch` gives); rejects after `limitMs`.
 */
function probe(source: string, limitMs = 60_000): Promise<{ names: string[]; marks: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-stdin-'))
  dirs.push(dir)
  const node = [process.execPath, '--import', 'tsx', join(root, 'test/support/insert-beside-stdin.ts'), dir].map((a) => `'${a}'`).join(' ')
  // Its own process group, so that the source (which may outlive the probe) goes with it.
  const child = spawn('sh', ['-c', `${source} | ${node}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const killAll = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  let out = ''
  let err = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killAll()
      reject(new Error(`the probe did not finish in ${limitMs} ms (an insert waiting on stdin); stderr: ${err.slice(-2000)}`))
    }, limitMs)
    // Done when the probe prints its line: the shell itself waits for the source to end.
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString()
      if (!out.includes('\n')) return
      clearTimeout(timer)
      killAll()
      resolve(JSON.parse(out.split('\n')[0]!) as { names: string[]; marks: string[] })
    })
    child.stderr.on('data', (b: Buffer) => (err += b.toString()))
    child.on('exit', (code) => {
      if (out.includes('\n')) return
      clearTimeout(timer)
      reject(new Error(`the probe exited with ${code} before printing its result: ${err.slice(-2000)}`))
    })
  })
}

describe('the embedded engine and standard input', () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('inserts without waiting on a stdin that holds bytes and stays open', { timeout: 90_000 }, async () => {
    // A row, then nothing more and no end: `sleep` holds the pipe open.
    const result = await probe(`(printf '%s\\n' '{"version":9997,"name":"from-stdin"}'; sleep 300)`)
    expect(result.names).not.toContain('from-stdin')
    expect(result.marks).toEqual(['m'])
  })

  it('stores none of the rows that stdin holds', { timeout: 90_000 }, async () => {
    // Rows for the first insert the engine runs (schema_migrations), then end of input.
    const result = await probe(`printf '%s\\n' '{"version":9999,"name":"from-stdin"}' '{"version":9998,"name":"from-stdin"}'`)
    expect(result.names).not.toContain('from-stdin')
    expect(result.marks).toEqual(['m'])
  })
})
