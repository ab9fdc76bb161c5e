/** `driftwatch report` run in this process, through the ClickHouse engine or the in-memory csv-parse path. */
import { readFileSync } from 'node:fs'
import { nodeIo, type ReportCommandOptions, runReport } from '../../src/cli/report.js'

/** The report's exit code and what it printed; `engine` false reads the files with csv-parse (no engine). */
export async function reportOf(options: ReportCommandOptions, engine: boolean): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io = engine ? nodeIo : { ...nodeIo, openFiles: undefined, readFile: (p: string) => readFileSync(p, 'utf8') }
  const code = await runReport(options, { ...io, stdout: (t) => void (out += t), stderr: (t) => void (err += t) })
  return { code, out, err }
}
