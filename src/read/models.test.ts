import { describe, expect, it } from 'vitest'
import { modelConfig, parseFileConfig } from '../config/file.js'
import { storedReference, windowSettings } from './models.js'

describe('a model’s window size and reference', () => {
  const file = parseFileConfig('models:\n  - id: loan\n    window: 15m\n    reference: { previousWindows: 2 }\n', 'test')
  const daily = { start: String(Date.parse('2026-01-10T00:00:00Z')), end: String(Date.parse('2026-01-11T00:00:00Z')), reference: 'all versions 2026-01-01T00:00:00.000Z..2026-01-08T00:00:00.000Z' }

  it('as configured when this process has the model’s settings', () => {
    expect(windowSettings(modelConfig(file, 'loan'), true, daily)).toEqual({ window_ms: 900_000, reference: { kind: 'previous_windows', description: 'previous 2 window(s) of the same version' } })
  })

  it('from its newest stored window when it has not (status with only the database named): daily, not the default hour', () => {
    expect(windowSettings(modelConfig(file, 'demo'), false, daily)).toEqual({
      window_ms: 86_400_000, reference: { kind: 'period', description: 'all versions 2026-01-01T00:00:00.000Z..2026-01-08T00:00:00.000Z' },
    })
    // No stored window yet: the defaults it would be evaluated with.
    expect(windowSettings(modelConfig(file, 'demo'), false, undefined).window_ms).toBe(modelConfig(file, 'demo').window)
  })

  it('reads the kind of a stored reference description', () => {
    expect(storedReference('baseline profile 3').kind).toBe('baseline')
    expect(storedReference('version v1 2026-01-09T00:00:00.000Z..2026-01-10T00:00:00.000Z').kind).toBe('previous_windows')
  })
})
