/**
 * The size limit the broker enforces on a topic: `max.message.bytes` from DescribeConfigs (the
 * topic's override, or the broker's `message.max.bytes` that it defaults to). Read once per topic
 * and cached; `forget` drops the cached value after a failed send, so a limit an operator changed
 * is read again on the retry. When the limit cannot be read (no DescribeConfigs permission, broker
 * away), Kafka's default is assumed for this send and the lookup is tried again on the next.
 */
import type { ConfigResourceTypes, Kafka } from 'kafkajs'
import { describeError } from '../errors.js'
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../ingest/dead-letter-fit.js'
import type { Logger } from '../observability/logger.js'

/**
 * DescribeConfigs resource type of a topic (Kafka protocol: 2 = TOPIC). kafkajs declares the enum in
 * its types but does not export it at run time to ES modules, so the value is spelled out here.
 */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes

export interface TopicLimits {
  maxMessageBytes(topic: string): Promise<number>
  forget(topic: string): void
}

export function topicLimits(kafka: Kafka, logger: Logger): TopicLimits {
  const cache = new Map<string, Promise<number | null>>()
  const lookup = async (topic: string): Promise<number | null> => {
    const admin = kafka.admin({ retry: { retries: 2 } })
    try {
      await admin.connect()
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['max.message.bytes'] }],
      })
      const value = Number(resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue)
      if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`no max.message.bytes in the answer for ${topic}`)
      return value
    } catch (e) {
      logger.warn({ topic, err: describeError(e), assumedBytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES }, 'cannot read the topic size limit; assuming Kafka\'s default')
      return null
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }
  return {
    async maxMessageBytes(topic) {
      let pending = cache.get(topic)
      if (!pending) {
        pending = lookup(topic)
        cache.set(topic, pending)
      }
      const value = await pending
      if (value === null) cache.delete(topic)
      return value ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES
    },
    forget: (topic) => void cache.delete(topic),
  }
}
