/**
 * Where dead letters go: always a ClickHouse row (counts by code, a prefix of the bytes), and on
 * Kafka also the full record on `<topic>.dlq`. Both are written before the batch's offsets commit.
 */
import { toDeadLetterMessage, toDeadLetterRow, dlqTopic, type DeadLetter, type DeadLetterMessage } from '../ingest/dead-letter.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'

export interface DeadLetterSink {
  write(deadLetters: readonly DeadLetter[], dedupToken: string): Promise<void>
}

/** Sends messages to a topic and resolves once the broker acknowledged them (acks=all). */
export type TopicPublisher = (topic: string, messages: DeadLetterMessage[]) => Promise<void>

export function createDeadLetterSink(store: Store, publish: TopicPublisher | null): DeadLetterSink {
  return {
    async write(deadLetters, dedupToken) {
      if (deadLetters.length === 0) return
      const byTopic = new Map<string, DeadLetterMessage[]>()
      for (const d of deadLetters) {
        const topic = dlqTopic(d.record.topic)
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), toDeadLetterMessage(d)])
      }
      await Promise.all([
        insertRows(store, 'dead_letters', deadLetters.map(toDeadLetterRow), dedupToken),
        ...(publish ? [...byTopic].map(([topic, messages]) => publish(topic, messages)) : []),
      ])
    },
  }
}
