/**
 * Topic layout: predictions and ground-truth keyed by prediction_id with the same partition
 * count, so a prediction and its label meet in one consumer; each has a `.dlq` twin.
 * Existing topics are never altered: a partition mismatch is refused with a clear error, and so
 * is a topic deleted while driftwatch runs (DW_TOPIC_MISMATCH with `missingTopics`).
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

/**
 * Which of `topics` the cluster does not have. Lists the topic names (one metadata request for no
 * topic in particular), so it never fails on a missing one as a metadata request naming it does,
 * nor makes a broker with auto.create.topics.enable create it.
 */
export async function missingTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics())
  return topics.filter((t) => !existing.has(t))
}

/** What the readiness check and the consumer log while topics it consumes (`consumed`) do not exist. */
export function topicsMissingMessage(missing: readonly string[], consumed: readonly string[]): string {
  const one = missing.length === 1
  const others = consumed.filter((t) => !missing.includes(t))
  const recreate = others.length > 0 ? `Create it again with as many partitions as ${others.join(', ')} has` : 'Create them again with the same partition count'
  return `topic${one ? '' : 's'} ${missing.join(' and ')} ${one ? 'does' : 'do'} not exist (deleted while driftwatch runs?), so nothing is consumed. ${recreate}, then restart driftwatch (docs/operations.md, "Offsets of a topic deleted and created again")`
}

export async function assertCoPartitioned(admin: Admin, layout: TopicLayout): Promise<void> {
  const wanted = [layout.predictions, layout.groundTruth]
  let topics: { name: string; partitions: unknown[] }[]
  try {
    ;({ topics } = await admin.fetchTopicMetadata({ topics: wanted }))
  } catch (e) {
    // A metadata request naming a topic the cluster lacks fails (UNKNOWN_TOPIC_OR_PARTITION) as
    // an unreachable broker would: tell them apart by the list of topics.
    const missing = await missingTopics(admin, wanted).catch(() => [])
    if (missing.length > 0) throw new DriftwatchError('DW_TOPIC_MISMATCH', topicsMissingMessage(missing, wanted), { cause: e, retriable: true, missingTopics: missing })
    throw e
  }
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
