/** `driftwatch report` run in this process, through the ClickHouse engine or the in-memory csv-parse path. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import { nodeIo, type ReportCommandOptions, runReport } from '../../src/cli/report.js'
import type { ReportJson } from '../../src/report/index.js'

/** The report's exit code and what it printed; `engine` false reads the files with csv-parse (no engine). */
export async function reportOf(options: ReportCommandOptions, engine: boolean): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io = engine ? nodeIo : { ...nodeIo, openFiles: undefined, readFile: (p: string) => readFileSync(p, 'utf8') }
  const code = await runReport(options, { ...io, stdout: (t) => void (out += t), stderr: (t) => void (err += t) })
  return { code, out, err }
}

/**
 * The report of both paths, which must agree byte for byte (code, stdout, stderr); a Parquet file
 * is read by the engine alone. The JSON as parsed, with the exit code and stderr.
 */
export async function reportOnBothPaths(options: ReportCommandOptions): Promise<{ code: number; json: ReportJson; err: string }> {
  const engine = await reportOf({ format: 'json', ...options }, true)
  if (![options.reference, options.current].some((p) => p?.endsWith('.parquet'))) {
    const memory = await reportOf({ format: 'json', ...options }, false)
    expect(memory.err).toBe(engine.err)
    expect(memory.code).toBe(engine.code)
    expect(engine.out).toBe(memory.out)
  }
  return { code: engine.code, json: JSON.parse(engine.out) as ReportJson, err: engine.err }
}

/** Input files of a test file, in a temporary folder removed after its tests: `write(text)` names the next one. */
export function inputFiles(prefix: string): (text: string, ext?: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  let files = 0
  return (text, ext = 'csv') => {
    const path = join(dir, `f${files++}.${ext}`)
    writeFileSync(path, text)
    return path
  }
}
