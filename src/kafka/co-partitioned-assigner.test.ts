import { describe, expect, it } from 'vitest'
import { coPartitionedAssignment } from './co-partitioned-assigner.js'

describe('coPartitionedAssignment', () => {
  const topics = new Map([
    ['predictions', [0, 1, 2, 3, 4, 5]],
    ['ground-truth', [5, 4, 3, 2, 1, 0]],
  ])

  it('gives partition i of every topic to the same member (6 partitions, 4 members)', () => {
    const a = coPartitionedAssignment(['c', 'a', 'd', 'b'], topics)
    for (const [, byTopic] of a) expect(byTopic['predictions'] ?? []).toEqual(byTopic['ground-truth'] ?? [])
    expect(a.get('a')).toEqual({ predictions: [0, 4], 'ground-truth': [0, 4] })
    expect(a.get('d')).toEqual({ predictions: [3], 'ground-truth': [3] })
  })

  it('assigns every partition exactly once', () => {
    const a = coPartitionedAssignment(['m1', 'm2', 'm3'], topics)
    const all = [...a.values()].flatMap((t) => t['predictions'] ?? []).sort()
    expect(all).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('handles more members than partitions, and no members', () => {
    const a = coPartitionedAssignment(['a', 'b', 'c', 'd', 'e', 'f', 'g'], new Map([['t', [0, 1]]]))
    expect(a.get('g')).toEqual({})
    expect(coPartitionedAssignment([], topics).size).toBe(0)
  })
})
