import { describe, expect, it } from 'vitest'
import { columnProgress, type ReportIo } from './report.js'

const ioOf = (lines: string[]): ReportIo => ({
  exists: () => true,
  readFile: () => '',
  writeFile: () => {},
  stdout: () => {},
  stderr: (t) => lines.push(t),
  stderrIsTTY: false,
})

describe('--progress of a long report', () => {
  it('names each phase and repeats it while nothing else is said, so a long run is never silent', async () => {
    const lines: string[] = []
    const p = columnProgress(ioOf(lines), { current: 'c.csv', progress: true }, 200)
    expect(p?.phase).toBeDefined()
    p?.start(2)
    p?.column()
    p?.column()
    p?.phase?.('computing the drift, quality, performance and fairness statistics')
    // Until the phase was repeated twice (every 200 ms here; a loaded machine may take longer).
    const after = () => lines.slice(lines.findIndex((l) => l.includes('columns read: 2/2')) + 1)
    const repeats = () => after().filter((l) => /statistics \(\d+ s\)\n$/.test(l)).length
    for (let waited = 0; repeats() < 2 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50))
    p?.stop()
    expect(after()[0]).toBe('driftwatch report: computing the drift, quality, performance and fairness statistics\n')
    expect(repeats()).toBeGreaterThanOrEqual(2)
    const n = lines.length
    await new Promise((r) => setTimeout(r, 400))
    expect(lines.length).toBe(n)
  })
})
