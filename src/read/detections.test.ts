import { describe, expect, it } from 'vitest'
import { encodeJson } from '../evaluate/detector-replay.js'
import { windowDetections } from './detections.js'

describe('windowDetections', () => {
  const concept = { score: 0.2, n_reference: '10', n_current: '5', statistics: { detections: 1, errors: 1, inputs_total: 15, width: null } }
  const row = { score: 0.2, n_reference: 10, n_current: 5, statistics: { detections: 1, errors: 1, inputs_total: 15, width: NaN } }
  const state = JSON.stringify({ detections: [50, 120, 250] })

  it('the checkpoint detections inside the window when its row is the stored concept row (NaN = null)', () => {
    expect(windowDetections(concept, { state, row: encodeJson(row) }, 100, 200)).toEqual([120])
  })
  it('null when the checkpoint was rewritten by a later evaluation, is missing, or lost detections', () => {
    expect(windowDetections(concept, { state, row: encodeJson({ ...row, statistics: { ...row.statistics, detections: 2 } }) }, 100, 200)).toBeNull()
    expect(windowDetections(concept, { state, row: encodeJson({ ...row, score: 0.3 }) }, 100, 200)).toBeNull()
    expect(windowDetections(concept, undefined, 100, 200)).toBeNull()
    expect(windowDetections(concept, { state: JSON.stringify({ detections: [] }), row: encodeJson(row) }, 100, 200)).toBeNull()
  })
})
