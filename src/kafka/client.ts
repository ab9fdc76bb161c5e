/**
 * kafkajs client with its logs routed into ours, its records decoded by ./record-decoder.ts, and
 * batches compressed with snappy, lz4 or zstd read by ./codecs.ts.
 */
import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs'
import type { KafkaSecurity } from '../config/secrets.js'
import { DriftwatchError } from '../errors.js'
import type { Logger } from '../observability/logger.js'
import { installCodecs } from './codecs.js'
import { installRecordDecoder, KAFKAJS_VERSION } from './record-decoder.js'

export interface KafkaSettings {
  readonly brokers: readonly string[]
  readonly clientId: string
  readonly security?: KafkaSecurity
}

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafkajs' })
  installCodecs()
  if (!installRecordDecoder()) log.debug({ expected: KAFKAJS_VERSION }, 'kafkajs decodes records with its own decoder: not the version the lean decoder mirrors, or loaded already')
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ...(settings.security?.ssl ? { ssl: settings.security.ssl === true ? true : { ca: [...settings.security.ssl.ca] } } : {}),
    ...(settings.security?.sasl ? { sasl: { ...settings.security.sasl } as SASLOptions } : {}),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        // kafkajs logs at ERROR what it then retries itself (rebalances, coordinator moves):
        // those are warnings for us. Failures that matter surface as errors from its calls.
        const { message, ...rest } = entry
        log.warn({ kafkajsLevel: level, ...rest }, message)
      },
  })
}

/**
 * The first contact with the brokers failing (refused, timed out, refused credentials):
 * DW_KAFKA_UNAVAILABLE naming the brokers and `setting`, where the user sets them; our own errors
 * (a topic's partitions) unchanged. Used by the service (src/app.ts) and the prediction logger.
 */
export function kafkaUnavailable(e: unknown, brokers: readonly string[], setting: string): unknown {
  if (!(e instanceof Error) || !e.name.startsWith('KafkaJS')) return e
  return new DriftwatchError('DW_KAFKA_UNAVAILABLE', `cannot reach Kafka at ${brokers.join(',')} (${e.message || e.name}): check ${setting}, that the brokers run and that this machine reaches them`, { cause: e, retriable: true })
}
