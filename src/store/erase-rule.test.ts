import { describe, expect, it } from 'vitest'
import { erasureRows, type CurrentVersion, type Named, type StoredVersion } from './erase-rule.js'

const v = (predictionId: string, named: Named, o: Partial<StoredVersion> = {}): StoredVersion => ({
  modelId: 'm', predictionId, modelVersion: 'v1', eventTimeMs: 1000, featuresCat: {}, named, ...o,
})
const c = (predictionId: string, named: Named, modelId = 'm'): CurrentVersion => ({ modelId, predictionId, named })
const noPii = () => []

describe('erasureRows', () => {
  it('nothing stored: nothing to remove', () => {
    const r = erasureRows([], [], noPii)
    expect([r.removed, r.labelIds, r.counted, [...r.subjectIds]]).toEqual([[], [], [], []])
    expect(r.superseded).toEqual({ rows: 0, predictionIds: 0 })
  })

  it('an id re-sent naming the subject is theirs: every version goes, the older one without a subject too, and its labels', () => {
    const versions = [v('pA', 'none', { eventTimeMs: 1 }), v('pA', 'subject', { eventTimeMs: 2 })]
    const r = erasureRows(versions, [c('pA', 'subject')], noPii)
    expect(r.removed).toEqual(versions)
    expect([...r.subjectIds]).toEqual([['m', ['pA']]])
    expect(r.labelIds).toEqual(['pA'])
    expect(r.counted).toEqual(versions)
    expect(r.superseded).toEqual({ rows: 0, predictionIds: 0 })
  })

  it("an id corrected to another subject is theirs: only the subject's older version goes, the labels stay", () => {
    const bob = v('pB', 'subject', { eventTimeMs: 5 })
    const carol = v('pB', 'other', { eventTimeMs: 6 })
    const r = erasureRows([bob, carol], [c('pB', 'other')], noPii)
    expect(r.removed).toEqual([bob])
    expect([...r.subjectIds]).toEqual([])
    expect(r.labelIds).toEqual([])
    // Only the window of the removed version is re-evaluated; the label did not move.
    expect(r.counted).toEqual([bob])
    expect(r.superseded).toEqual({ rows: 1, predictionIds: 1 })
  })

  it('an id whose newest version names no one, after one naming the subject, is the subject\'s', () => {
    const versions = [v('p', 'subject'), v('p', 'none')]
    const r = erasureRows(versions, [c('p', 'none')], noPii)
    expect(r.removed).toEqual(versions)
    expect(r.labelIds).toEqual(['p'])
  })

  it("the subject's prediction goes whole even over an older version naming another subject", () => {
    const versions = [v('p', 'other'), v('p', 'subject')]
    const r = erasureRows(versions, [c('p', 'subject')], noPii)
    expect(r.removed).toEqual(versions)
    expect(r.superseded.rows).toBe(0)
  })

  it('an id with no current version left (deleted meanwhile) counts as the subject\'s', () => {
    const r = erasureRows([v('p', 'subject')], [], noPii)
    expect(r.labelIds).toEqual(['p'])
  })

  it('an id held by another model, with no version naming the subject there, stays; its labels stay when that version names another subject', () => {
    const mine = v('x', 'subject', { modelId: 'm1' })
    const theirs = v('x', 'other', { modelId: 'm2', eventTimeMs: 9 })
    const r = erasureRows([mine, theirs], [c('x', 'subject', 'm1'), c('x', 'other', 'm2')], noPii)
    expect(r.removed).toEqual([mine])
    expect([...r.subjectIds]).toEqual([['m1', ['x']]])
    expect(r.labelIds).toEqual([])
    expect(r.counted).toEqual([mine])
  })

  it("a label that goes is re-evaluated in every window it counted, another model's unnamed version too", () => {
    const mine = v('x', 'subject', { modelId: 'm1' })
    const unnamed = v('x', 'none', { modelId: 'm2', eventTimeMs: 9 })
    const r = erasureRows([mine, unnamed], [c('x', 'subject', 'm1'), c('x', 'none', 'm2')], noPii)
    expect(r.removed).toEqual([mine])
    expect(r.labelIds).toEqual(['x'])
    expect(r.counted).toEqual([mine, unnamed])
  })

  it("pii values: of the removed versions naming the subject or no one, never another subject's", () => {
    const pii = (modelId: string) => (modelId === 'm' ? ['email'] : [])
    const versions = [
      v('p1', 'none', { featuresCat: { email: 'e-old', city: 'c' } }),
      v('p1', 'subject', { featuresCat: { email: 'e-1' } }),
      v('p2', 'other', { featuresCat: { email: 'e-bob' } }),
      v('p2', 'subject', { featuresCat: { email: 'e-2' } }),
      v('p3', 'subject', { featuresCat: {} }),
      v('p3', 'other', { featuresCat: { email: 'e-carol' } }),
    ]
    const r = erasureRows(versions, [c('p1', 'subject'), c('p2', 'subject'), c('p3', 'other')], pii)
    expect([...r.piiValues]).toEqual([['m', new Set(['e-old', 'e-1', 'e-2'])]])
    expect(r.removed).toHaveLength(5)
    expect(r.superseded).toEqual({ rows: 1, predictionIds: 1 })
  })

  it('ids are listed once per model, sorted; labels once per id', () => {
    const versions = [v('b', 'subject'), v('a', 'subject'), v('b', 'subject'), v('a', 'subject', { modelId: 'n' })]
    const r = erasureRows(versions, [c('a', 'subject'), c('b', 'subject'), c('a', 'subject', 'n')], noPii)
    expect([...r.subjectIds]).toEqual([['m', ['a', 'b']], ['n', ['a']]])
    expect(r.labelIds).toEqual(['a', 'b'])
    expect(r.removed).toHaveLength(4)
  })
})
