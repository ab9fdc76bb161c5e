/**
 * A partition added to one of the two topics while driftwatch runs: kafkajs consumes it after its
 * next metadata refresh, but a prediction and its label may then go to different instances, and
 * the next start is refused (DW_TOPIC_MISMATCH). /readyz's kafka check compares the two topics'
 * partition counts on every probe, so the mismatch shows while running, not at the next restart.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { kafkaCheck } from '../src/observability/readiness.js'
import { testConfig, uniqueName } from './support/config.js'
import { waitFor } from './support/wait.js'

describe('readiness: the consumed topics\' partition counts', () => {
  const config = testConfig({ partitions: 1 })
  const kafka = new Kafka({ clientId: 'dw-partitions-added-test', brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })
  const topics = { predictions: uniqueName('dw-added.predictions'), groundTruth: uniqueName('dw-added.ground-truth'), partitions: 1 }
  const check = kafkaCheck(kafka, topics)
  let admin: Admin | undefined
  afterAll(async () => {
    await check.close()
    if (admin) {
      await admin.deleteTopics({ topics: [topics.predictions, topics.groundTruth] }).catch(() => undefined)
      await admin.disconnect()
    }
  })

  it('passes while the counts match, and fails with DW_TOPIC_MISMATCH once a partition is added to one topic', async () => {
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [topics.predictions, topics.groundTruth].map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true })
    await expect(check.run()).resolves.toBeUndefined()
    await admin.createPartitions({ topicPartitions: [{ topic: topics.predictions, count: 2 }] })
    // The broker's metadata may take a moment to list the new partition.
    const failure = await waitFor(() => check.run().then(() => null, (e: unknown) => e), (e) => e !== null, { what: 'the check to fail', timeoutMs: 15_000 })
    expect(failure).toMatchObject({ code: 'DW_TOPIC_MISMATCH', message: expect.stringContaining(`${topics.predictions} (2 partitions)`) })
    // Without the topics (an instance that consumes nothing), only the cluster is checked.
    const clusterOnly = kafkaCheck(kafka)
    try {
      await expect(clusterOnly.run()).resolves.toBeUndefined()
    } finally {
      await clusterOnly.close()
    }
  })
})
