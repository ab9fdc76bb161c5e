import { describe, expect, it } from 'vitest'
import { editDistance, known } from './mute-targets.js'

describe('the known names a refused mute shows', () => {
  it('lists the closest to the name given first, at most five, with the count', () => {
    const rules = ['dlq-rate', 'f1-drop', 'feature-drift-psi', 'disparate-impact', 'concept-drift-detector', 'feature-drift-ks']
    expect(known('rules', 'feature-drfit-psi', rules)).toBe('known rules (6): feature-drift-psi, feature-drift-ks, f1-drop, dlq-rate, disparate-impact, …')
    expect(known('models', 'a', ['b', 'b'])).toBe('known models (1): b')
    expect(known('models', 'a', [])).toBe('no models are known')
  })

  it('measures Levenshtein distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('feature-drfit-psi', 'feature-drift-psi')).toBe(2)
  })
})
