import { describe, expect, it } from 'vitest'
import { isDriftwatchError } from '../errors.js'
import { DEFAULT_REPORT_CONFIG, parseReportConfig } from './config.js'

function problems(text: string): string[] {
  try {
    parseReportConfig(text, 'model.yaml')
  } catch (e) {
    if (isDriftwatchError(e) && e.code === 'DW_CONFIG_INVALID') return (e.context['problems'] as string[] | undefined) ?? [e.message]
    throw e
  }
  return []
}

describe('parseReportConfig', () => {
  it('defaults: BH correction, 0.95 intervals, groups of 30, outliers at 0.25', () => {
    expect(parseReportConfig('', 'model.yaml')).toEqual(DEFAULT_REPORT_CONFIG)
    expect(DEFAULT_REPORT_CONFIG).toMatchObject({ correction: 'benjamini-hochberg', confidence: 0.95, minGroupSize: 30, outlierThreshold: 0.25, protected: [], thresholds: {} })
  })

  it('accepts the ModelSchema fields of driftwatch.yaml, a numeric positive class as text', () => {
    const c = parseReportConfig('id: m\ntask: binary\npositiveClass: 1\nfeatures: { a: numerical, b: categorical }\nprotected: [b]\n', 'model.yaml')
    expect(c).toMatchObject({ id: 'm', task: 'binary', positiveClass: '1', features: { a: 'numerical', b: 'categorical' }, protected: ['b'] })
  })

  it('names a boolean positive class as the report names boolean cells, in any case', () => {
    for (const [given, named] of [['"true"', 'True'], ['TRUE', 'True'], ['false', 'False'], ['yes', 'yes']]) {
      expect(parseReportConfig(`positiveClass: ${given}\n`, 'model.yaml').positiveClass).toBe(named)
    }
  })

  it('refuses protected attributes on a multiclass model, as driftwatch.yaml does', () => {
    expect(problems('task: multiclass\nprotected: [b]\n').join('\n')).toMatch(/protected: fairness is computed for binary models only, and this model's task is multiclass/)
    expect(parseReportConfig('protected: [b]\n', 'model.yaml').protected).toEqual(['b'])
  })

  it('thresholds: a number or a method and a number', () => {
    const c = parseReportConfig('thresholds:\n  a: 0.2\n  b: { method: psi, threshold: 0.25 }\n', 'model.yaml')
    expect(c.thresholds).toEqual({ a: 0.2, b: { method: 'psi', threshold: 0.25 } })
  })

  it('lists every bad field with its path', () => {
    const p = problems('task: ranking\nfeatures: { a: numeric }\nthresholds: { a: .inf, b: { method: magic, threshold: 1 } }\nconfidence: 1\nextra: 1\n')
    expect(p.join('\n')).toMatch(/model\.yaml: task/)
    expect(p.join('\n')).toMatch(/features\.a/)
    expect(p.join('\n')).toMatch(/thresholds\.a/)
    expect(p.join('\n')).toMatch(/thresholds\.b/)
    expect(p.join('\n')).toMatch(/confidence/)
    expect(p.join('\n')).toMatch(/extra|Unrecognized/)
  })

  it('not YAML at all', () => {
    expect(problems('features: [a\n')[0]).toMatch(/not valid YAML/)
  })
})
