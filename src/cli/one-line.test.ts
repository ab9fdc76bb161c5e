import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import { failureText, oneLine } from './one-line.js'

describe('failureText: what follows `driftwatch: <CODE>: `', () => {
  const long = (i: number) => `dw.yaml: models.${i}.window: expected a duration such as 30s, 5m, 1h, 7d, got "${i}x"`

  it('an invalid configuration with several problems: its first line, then every problem whole on its own line', () => {
    const problems = Array.from({ length: 12 }, (_, i) => long(i))
    const e = new DriftwatchError('DW_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, { problems })
    expect(failureText(e)).toBe(['invalid configuration:', ...problems.map((p) => `  ${p}`)].join('\n'))
  })

  it('a message without a heading (the problems joined on one line) gets the count as one', () => {
    const problems = ['--from: "x" is not a date', '--to: "y" is not a date']
    expect(failureText(new DriftwatchError('DW_CONFIG_INVALID', problems.join('; '), { problems }))).toBe('2 problems:\n  --from: "x" is not a date\n  --to: "y" is not a date')
  })

  it('one problem stays one line, not cut; a message of its own with a shorter problem list keeps its message', () => {
    const problem = `DRIFTWATCH_API_TOKENS: ${'x'.repeat(700)}`
    expect(failureText(new DriftwatchError('DW_CONFIG_INVALID', `invalid environment:\n  ${problem}`, { problems: [problem] }))).toBe(`invalid environment: ${problem}`)
    const key = new DriftwatchError('DW_CONFIG_INVALID', 'invalid environment:\n  DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS (all instances must share the key)', { problems: ['DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS'] })
    expect(failureText(key)).toBe('invalid environment: DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS (all instances must share the key)')
  })

  it('other errors are one line, cut as before', () => {
    const e = new DriftwatchError('DW_FILE_INVALID', `cannot build the report:\n  a\n  ${'b'.repeat(700)}`, { problems: ['a', 'b'.repeat(700)] })
    expect(failureText(e)).toBe(oneLine(e.message))
    expect(failureText(e)).toMatch(/^cannot build the report: a; b+\.\.\.$/)
    expect(failureText(new DriftwatchError('DW_CONFIG_INVALID', 'configuration file x.yaml does not exist'))).toBe('configuration file x.yaml does not exist')
  })
})
