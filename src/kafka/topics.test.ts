import type { Admin } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { assertCoPartitioned, missingTopics } from './topics.js'

const layout = { predictions: 'p.predictions', groundTruth: 'p.ground-truth', partitions: 3 }

/** An admin over a cluster with these topics (name -> partition count), failing as kafkajs does for a missing one. */
function admin(cluster: Record<string, number>, listing: () => Promise<string[]> = async () => Object.keys(cluster)): Admin {
  return {
    listTopics: listing,
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      if (topics.some((t) => !(t in cluster))) throw Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' })
      return { topics: topics.map((name) => ({ name, partitions: Array.from({ length: cluster[name]! }, (_, i) => ({ partitionId: i })) })) }
    },
  } as unknown as Admin
}

describe('missingTopics', () => {
  it('names the topics the cluster does not list', async () => {
    expect(await missingTopics(admin({ 'p.ground-truth': 3, other: 1 }), [layout.predictions, layout.groundTruth])).toEqual(['p.predictions'])
  })
})

describe('assertCoPartitioned', () => {
  it('passes topics with the same partition count', async () => {
    await expect(assertCoPartitioned(admin({ 'p.predictions': 3, 'p.ground-truth': 3 }), layout)).resolves.toBeUndefined()
  })

  it('refuses different partition counts with DW_TOPIC_MISMATCH', async () => {
    await expect(assertCoPartitioned(admin({ 'p.predictions': 3, 'p.ground-truth': 6 }), layout)).rejects.toMatchObject({ code: 'DW_TOPIC_MISMATCH', message: expect.stringMatching(/^topics p\.predictions \(3 partitions\) and p\.ground-truth \(6 partitions\)/) })
  })

  // Regression: a deleted topic failed the readiness check as DW_KAFKA_UNAVAILABLE, though the broker answered.
  it('names a deleted topic with DW_TOPIC_MISMATCH and missingTopics, not as Kafka being away', async () => {
    const err = await assertCoPartitioned(admin({ 'p.ground-truth': 3 }), layout).then(() => null, (e: unknown) => e)
    expect(err).toMatchObject({ code: 'DW_TOPIC_MISMATCH', retriable: true, context: { missingTopics: ['p.predictions'] } })
    expect((err as Error).message).toBe(
      'topic p.predictions does not exist (deleted while driftwatch runs?), so nothing is consumed. Create it again with as many partitions as p.ground-truth has, then restart driftwatch (docs/operations.md, "Offsets of a topic deleted and created again")',
    )
    const both = await assertCoPartitioned(admin({}), layout).then(() => null, (e: unknown) => e)
    expect((both as Error).message).toMatch(/^topics p\.predictions and p\.ground-truth do not exist .*Create them again with the same partition count, then restart/)
  })

  it('passes on the metadata failure itself when both topics exist or the topics cannot be listed', async () => {
    const away = Object.assign(new Error('Connection timeout'), { name: 'KafkaJSConnectionError' })
    const flaky = { ...admin({ 'p.predictions': 3, 'p.ground-truth': 3 }), fetchTopicMetadata: async () => Promise.reject(away) } as unknown as Admin
    await expect(assertCoPartitioned(flaky, layout)).rejects.toBe(away)
    const unlisted = { ...admin({}, async () => Promise.reject(new Error('Connection timeout'))) } as unknown as Admin
    await expect(assertCoPartitioned(unlisted, layout)).rejects.toThrow('This server does not host this topic-partition')
  })
})
