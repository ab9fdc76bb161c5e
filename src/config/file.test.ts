import { describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG, parseFileConfig } from './file.js'
import type { DriftwatchError } from '../errors.js'

describe('parseFileConfig', () => {
  it('fills defaults for an empty file', () => {
    expect(parseFileConfig('', 'x.yaml')).toEqual(DEFAULT_FILE_CONFIG)
    expect(DEFAULT_FILE_CONFIG.ingest.unknownModels).toBe('accept')
  })

  it('reads models and the ingest policy', () => {
    const c = parseFileConfig('ingest: { unknownModels: reject }\nmodels:\n  - id: loan\n    positiveClass: approve\n    features: { income: numerical }\n', 'x.yaml')
    expect(c.ingest.unknownModels).toBe('reject')
    expect(c.models[0]).toMatchObject({ id: 'loan', task: 'binary', features: { income: 'numerical' } })
  })

  it('reports every problem with its path', () => {
    try {
      parseFileConfig('ingest: { unknownModels: maybe, maxRecordBytes: 5 }\nmodels:\n  - id: ""\n    colour: red\n', 'dw.yaml')
      expect.unreachable()
    } catch (e) {
      const problems = (e as DriftwatchError).context['problems'] as string[]
      expect(problems.join('\n')).toMatch(/dw\.yaml: ingest\.unknownModels/)
      expect(problems.join('\n')).toMatch(/dw\.yaml: ingest\.maxRecordBytes/)
      expect(problems.join('\n')).toMatch(/dw\.yaml: models\.0\.id/)
      expect(problems.join('\n')).toMatch(/dw\.yaml: models\.0: .*colour/)
    }
  })

  it('rejects YAML that does not parse, and duplicate model ids', () => {
    expect(() => parseFileConfig('models: [', 'x.yaml')).toThrow(/not valid YAML/)
    expect(() => parseFileConfig('models: [{id: a}, {id: a}]', 'x.yaml')).toThrow(/listed twice/)
  })
})
