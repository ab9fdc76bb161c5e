/** kafkajs client with its logs routed into ours. */
import { Kafka, logLevel, type LogEntry } from 'kafkajs'
import type { Logger } from '../observability/logger.js'

export interface KafkaSettings {
  readonly brokers: readonly string[]
  readonly clientId: string
}

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafkajs' })
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry
        if (level <= logLevel.ERROR) log.error(rest, message)
        else log.warn(rest, message)
      },
  })
}
