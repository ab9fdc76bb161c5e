import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseYamlWith, problemLines } from './validation-problems.js'

const Schema = z.object({ models: z.array(z.object({ id: z.string() })).default([]) }).strict()

describe('validation problems', () => {
  it('names every problem by file and dotted path, (root) for the document itself', () => {
    const parsed = parseYamlWith(Schema, 'models:\n  - id: 3\nextra: 1\n', 'x.yaml')
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? [] : parsed.problems).toEqual([expect.stringMatching(/^x\.yaml: models\.0\.id: /), expect.stringMatching(/^x\.yaml: \(root\): .*extra/)])
  })

  it('reports YAML that does not parse on one line, and an empty document as {}', () => {
    const bad = parseYamlWith(Schema, 'models: [\n', 'y.yaml')
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringMatching(/^y\.yaml: not valid YAML: [^\n]+$/)])
    // Where, without the parser's dangling colon before its excerpt of the file.
    expect(parseYamlWith(Schema, 'a: b: c\n', 'w.yaml')).toEqual({ ok: false, problems: ['w.yaml: not valid YAML: Nested mappings are not allowed in compact mappings at line 1, column 4'] })
    expect(parseYamlWith(Schema, '', 'z.yaml')).toEqual({ ok: true, data: { models: [] } })
  })

  it('writes environment problems without a file', () => {
    expect(problemLines([{ path: ['KAFKA_BROKERS'], message: 'Invalid input' }])).toEqual(['KAFKA_BROKERS: Invalid input'])
  })
})
