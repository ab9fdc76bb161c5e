import { describe, expect, it } from 'vitest'
import { idConflicts } from './id-conflicts.js'

const e = (prediction_id: string, model_id: string) => ({ prediction_id, model_id })
const codes = (r: ReturnType<typeof idConflicts>) => r.map((x) => x?.code ?? null)

describe('idConflicts', () => {
  it('lets a new id in, and the same id again for the same model (idempotent resend)', () => {
    expect(codes(idConflicts([e('a', 'm1'), e('a', 'm1'), e('b', 'm2')], () => []))).toEqual([null, null, null])
  })

  it('refuses an id another model already holds in the store', () => {
    const r = idConflicts([e('a', 'm2'), e('a', 'm1')], (id) => (id === 'a' ? ['m1'] : []))
    expect(codes(r)).toEqual(['DW_PREDICTION_ID_CONFLICT', null])
    expect(r[0]?.context['path']).toBe('prediction_id')
    expect(r[0]?.message).toContain('"m1"')
  })

  it('within one batch, the first use claims the id', () => {
    expect(codes(idConflicts([e('a', 'm2'), e('a', 'm1'), e('a', 'm2')], () => []))).toEqual([null, 'DW_PREDICTION_ID_CONFLICT', null])
  })

  it('accepts any model that already holds the id (data stored before the rule)', () => {
    expect(codes(idConflicts([e('a', 'm1'), e('a', 'm2'), e('a', 'm3')], () => ['m1', 'm2']))).toEqual([null, null, 'DW_PREDICTION_ID_CONFLICT'])
  })
})
