/**
 * Where dead letters go: always a ClickHouse row (counts by code, a prefix of the bytes), and on
 * Kafka also the full record on `<topic>.dlq`. Both are written before the batch's offsets commit.
 * The `.dlq` messages are sized to the topic's limit first (ingest/dead-letter-fit.ts), so a
 * dead letter the broker would refuse never stops the consumer; a message cut to fit is marked
 * so on the topic and in its row.
 */
import { toDeadLetterRow, dlqTopic, type DeadLetter, type DeadLetterMessage } from '../ingest/dead-letter.js'
import { fitDeadLetter, groupBySize, KAFKA_DEFAULT_MAX_MESSAGE_BYTES, sendBudgetBytes, type FittedDeadLetter } from '../ingest/dead-letter-fit.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'

export interface DeadLetterWrite {
  /**
   * Source offsets whose dead-letter rows are stored already (a batch that repeats an earlier
   * attempt, src/pipeline/replay-guard.ts): their rows are not inserted again; their messages
   * are sent again (at least once on the topic). All the dead letters are then of one partition.
   */
  readonly storedOffsets?: ReadonlySet<string>
  /** Only the rows: the messages went with an earlier write of the same dead letters. */
  readonly rowsOnly?: boolean
}

export interface DeadLetterSink {
  write(deadLetters: readonly DeadLetter[], dedupToken: string, options?: DeadLetterWrite): Promise<void>
}

/**
 * Sends messages to a topic, gzip-compressed (the sizing counts on it), and resolves once the
 * broker acknowledged them (acks=all). A failure should reject with a retriable DriftwatchError.
 */
export type TopicPublisher = (topic: string, messages: DeadLetterMessage[]) => Promise<void>

/** The topic's `max.message.bytes`, as the broker reports it. */
export type TopicLimit = (topic: string) => Promise<number>

export function createDeadLetterSink(store: Store, publish: TopicPublisher | null, topicLimit: TopicLimit = async () => KAFKA_DEFAULT_MAX_MESSAGE_BYTES): DeadLetterSink {
  return {
    async write(deadLetters, dedupToken, options = {}) {
      if (deadLetters.length === 0) return
      let fitted: FittedDeadLetter[] | null = null
      const sends: (() => Promise<void>)[] = []
      if (publish) {
        const topics = [...new Set(deadLetters.map((d) => dlqTopic(d.record.topic)))]
        const budgets = new Map(await Promise.all(topics.map(async (t) => [t, sendBudgetBytes(await topicLimit(t))] as const)))
        fitted = deadLetters.map((d) => fitDeadLetter(d, budgets.get(dlqTopic(d.record.topic))!))
        for (const topic of options.rowsOnly ? [] : topics) {
          const ofTopic = fitted.filter((_, i) => dlqTopic(deadLetters[i]!.record.topic) === topic)
          const groups = groupBySize(ofTopic, (f) => f.sizeBytes, budgets.get(topic)!)
          // One topic's sends in order, one after the other; topics in parallel.
          sends.push(async () => {
            for (const group of groups) await publish(topic, group.map((f) => f.message))
          })
        }
      }
      const stored = options.storedOffsets
      const rows = deadLetters.flatMap((d, i) => (stored?.has(d.record.offset) ? [] : [toDeadLetterRow(d, fitted?.[i]?.truncated ?? [])]))
      await Promise.all([insertRows(store, 'dead_letters', rows, dedupToken), ...sends.map((s) => s())])
    },
  }
}
