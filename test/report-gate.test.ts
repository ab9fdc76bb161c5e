/**
 * `driftwatch report --fail-on` end to end: the real CLI (bin/driftwatch.js) spawned on the
 * golden CSV pair (scripts/reference/fixtures/report.json), exit codes 0 / 3 / 2, one line per
 * gate on stderr, the report still written. Needs no Kafka or registry (the global setup
 * checks them for the integration project as a whole).
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fixture from '../scripts/reference/fixtures/report.json' with { type: 'json' }

const root = join(import.meta.dirname, '..')
const REFERENCE = join(root, 'test/fixtures/report/reference.csv')
const CURRENT = join(root, 'test/fixtures/report/current.csv')

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/driftwatch.js'), 'report', ...args], { cwd: root, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const f1 = fixture.expected.performance.current.f1
const share = fixture.expected.drift_share

describe('driftwatch report --fail-on (the real CLI)', () => {
  it('every gate passes: exit 0, the report on stdout, one line per gate on stderr', async () => {
    const r = await cli(['--reference', REFERENCE, '--current', CURRENT, '--protected', 'gender', '--fail-on', `drift_share>${share}, performance.f1<${f1 - 0.01}`])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).dataset.drift_share).toBe(share)
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `gate drift_share > ${share}: value ${share.toPrecision(4)} -> passed`,
      `gate performance.f1 < ${f1 - 0.01}: value ${f1.toPrecision(4)} -> passed`,
      'driftwatch: all 2 gates passed',
    ])
  })

  it('a gate fails: exit 3, each gate with its value (and interval), the report still written', async () => {
    const r = await cli([
      '--reference', REFERENCE, '--current', CURRENT, '--protected', 'gender',
      '--fail-on', `drift_share>=${share}, performance.degradation.accuracy<0, fairness.gender.disparate_impact_ratio<0.8`,
    ])
    expect(r.code).toBe(3)
    const lines = r.stderr.split('\n').filter(Boolean)
    expect(lines[0]).toBe(`gate drift_share >= ${share}: value ${share.toPrecision(4)} -> FAILED`)
    expect(lines[1]).toMatch(/^gate performance\.degradation\.accuracy < 0: value -?[\d.]+, 95% interval \[-?[\d.]+, -?[\d.]+\] -> (FAILED|passed)$/)
    expect(lines[2]).toMatch(/^gate fairness\.gender\.disparate_impact_ratio < 0\.8: value [\d.]+ -> (FAILED|passed)$/)
    expect(lines.at(-1)).toMatch(/^driftwatch: [123] of 3 gates failed$/)
    expect(JSON.parse(r.stdout)).toHaveProperty('features.income')
  })

  it('no reference: performance and fairness gates run on the current file alone', async () => {
    const r = await cli(['--current', CURRENT, '--protected', 'gender', '--fail-on', `performance.f1<${f1 + 0.01}, fairness.*.demographic_parity_ratio<0`])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`gate performance.f1 < ${f1 + 0.01}: value ${f1.toPrecision(4)} -> FAILED`)
    expect(r.stderr).toMatch(/gate fairness\.gender\.demographic_parity_ratio < 0: value [\d.]+ -> passed/)
    const report = JSON.parse(r.stdout)
    expect(report.performance.current.f1).toBeCloseTo(f1, 12)
    expect(report.features).toEqual({})
  })

  it('usage errors exit 2 with one line naming the bad part: a parse error, a drift gate without a reference', async () => {
    const bad = await cli(['--reference', REFERENCE, '--current', CURRENT, '--fail-on', 'drift_share>0.3, performance.f1 =< 0.8'])
    expect(bad.code).toBe(2)
    expect(bad.stdout).toBe('')
    expect(bad.stderr).toBe('driftwatch: DW_GATE_INVALID: --fail-on: "performance.f1 =< 0.8" is not <figure> <op> <number> (op: >, >=, <, <=)\n')
    const noRef = await cli(['--current', CURRENT, '--fail-on', 'drift_share>0.3'])
    expect(noRef.code).toBe(2)
    expect(noRef.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(noRef.stderr).toContain('--reference <file> is required')
  })
})
