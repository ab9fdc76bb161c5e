/**
 * Topic layout: predictions and ground-truth keyed by prediction_id with the same partition
 * count, so a prediction and its label meet in one consumer; each has a `.dlq` twin.
 * Existing topics are never altered: a partition mismatch is refused with a clear error.
 */
import type { Admin } from 'kafkajs'
import { DriftwatchError } from '../errors.js'
import { dlqTopic } from '../ingest/dead-letter.js'

export interface TopicLayout {
  readonly predictions: string
  readonly groundTruth: string
  readonly partitions: number
}

export async function ensureTopics(admin: Admin, layout: TopicLayout): Promise<void> {
  const wanted = [layout.predictions, layout.groundTruth]
  const all = [...wanted, ...wanted.map(dlqTopic)]
  const existing = new Set(await admin.listTopics())
  const missing = all.filter((t) => !existing.has(t))
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: layout.partitions, replicationFactor: -1 })),
    })
  }
  await assertCoPartitioned(admin, layout)
}

export async function assertCoPartitioned(admin: Admin, layout: TopicLayout): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [layout.predictions, layout.groundTruth] })
  const counts = new Map(topics.map((t) => [t.name, t.partitions.length]))
  const p = counts.get(layout.predictions)
  const g = counts.get(layout.groundTruth)
  if (p !== g) {
    throw new DriftwatchError(
      'DW_TOPIC_MISMATCH',
      `topics ${layout.predictions} (${p} partitions) and ${layout.groundTruth} (${g} partitions) must have the same partition count, ` +
        'so that a prediction and its label are consumed by the same instance. Recreate one of them or add partitions to match.',
    )
  }
}
