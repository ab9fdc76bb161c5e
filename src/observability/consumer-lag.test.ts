import type { Admin } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { fetchConsumerLag, partitionLags } from './consumer-lag.js'

describe('partitionLags', () => {
  it('is high watermark minus committed offset, per partition, in partition order', () => {
    expect(
      partitionLags(
        [
          { partition: 1, high: '100', low: '0' },
          { partition: 0, high: '50', low: '0' },
        ],
        [
          { partition: 0, offset: '50' },
          { partition: 1, offset: '40' },
        ],
      ),
    ).toEqual([
      { partition: 0, lag: 0 },
      { partition: 1, lag: 60 },
    ])
  })

  it('counts from the low watermark where the group never committed (it consumes from the beginning)', () => {
    expect(partitionLags([{ partition: 0, high: '120', low: '20' }], [{ partition: 0, offset: '-1' }])).toEqual([{ partition: 0, lag: 100 }])
    expect(partitionLags([{ partition: 0, high: '120', low: '20' }], [])).toEqual([{ partition: 0, lag: 100 }])
  })

  it('is never negative when a commit races the watermark read', () => {
    expect(partitionLags([{ partition: 0, high: '10', low: '0' }], [{ partition: 0, offset: '12' }])).toEqual([{ partition: 0, lag: 0 }])
  })

  it('handles offsets beyond 2^53 exactly in the difference', () => {
    expect(partitionLags([{ partition: 0, high: '9007199254740995', low: '0' }], [{ partition: 0, offset: '9007199254740990' }])).toEqual([{ partition: 0, lag: 5 }])
  })

  it('is empty for a topic without partitions', () => {
    expect(partitionLags([], [])).toEqual([])
  })
})

describe('fetchConsumerLag', () => {
  it('reads each topic on its own: a topic that cannot be read (deleted) leaves the others measured', async () => {
    const gone = Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' })
    const admin = {
      fetchOffsets: async ({ topics }: { topics: string[] }) => {
        if (topics.includes('labels')) throw gone
        return topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: '3' }] }))
      },
      fetchTopicOffsets: async (topic: string) => {
        if (topic === 'labels') throw gone
        return [{ partition: 0, offset: '38', high: '38', low: '0' }]
      },
    } as unknown as Admin
    const { lags, failed } = await fetchConsumerLag(admin, 'g', ['predictions', 'labels'])
    expect([...lags]).toEqual([['predictions', [{ partition: 0, lag: 35 }]]])
    expect(failed).toEqual([{ topic: 'labels', error: gone }])
  })
})
