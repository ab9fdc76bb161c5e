import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUNDLED_RULES_DIR, loadRules, rulesDirectory } from './load-rules.js'

describe('rule directory', () => {
  it('is the configured one, else ./alerts, else the bundled defaults', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dw-rules-'))
    expect(rulesDirectory(null, cwd)).toBe(BUNDLED_RULES_DIR)
    mkdirSync(join(cwd, 'alerts'))
    expect(rulesDirectory(null, cwd)).toBe(join(cwd, 'alerts'))
    expect(() => rulesDirectory(join(cwd, 'missing'), cwd)).toThrow(/DRIFTWATCH_ALERT_RULES: .*missing is not a directory/)
  })

  it('reads only the YAML files directly in it, and names the file of a problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-rules-'))
    mkdirSync(join(dir, 'grafana'))
    writeFileSync(join(dir, 'grafana', 'x.yaml'), 'apiVersion: 1\ngroups: []\n')
    writeFileSync(join(dir, 'a.yaml'), `rules:\n  - name: a\n    metric: label_coverage\n    condition: { op: '<', threshold: 0.5 }\n`)
    writeFileSync(join(dir, 'notes.md'), '# not a rule file')
    expect(loadRules(dir).rules.map((r) => r.name)).toEqual(['a'])
    writeFileSync(join(dir, 'b.yml'), `rules:\n  - name: b\n    metric: label_coverage\n    condition: { op: '<' }\n`)
    expect(() => loadRules(dir)).toThrow(new RegExp(`${join(dir, 'b.yml').replaceAll('/', '\\/')}: rules\\.0\\.condition\\.threshold`))
  })
})
