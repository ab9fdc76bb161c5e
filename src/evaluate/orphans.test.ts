import { describe, expect, it } from 'vitest'
import { orphanMessage } from './orphans.js'

describe('the orphan label message', () => {
  it('names every cause the store cannot rule out when no erasure is recorded for the id', () => {
    expect(orphanMessage('req-42', 30 * 86_400_000, false)).toBe(
      'no prediction req-42 is stored join.orphanAfter (30d) after its label: it never arrived, or retention.raw removed it; the label stays stored and counts if its prediction is stored later',
    )
  })

  it('says driftwatch erase removed the prediction when the erase record holds the id', () => {
    expect(orphanMessage('req-42', 3000, true)).toBe('prediction req-42 was removed by driftwatch erase, which does not store it again: the label stays stored and joins no prediction')
  })

  it('writes orphanAfter as the config does', () => {
    expect(orphanMessage('a', 3000, false)).toContain('join.orphanAfter (3s)')
    expect(orphanMessage('a', 1500, false)).toContain('join.orphanAfter (1500ms)')
  })
})
