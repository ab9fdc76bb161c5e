/**
 * The composition root: the one place that wires configuration, ClickHouse, Kafka (or the
 * embedded source), decoders and handlers together. Everything else receives its dependencies.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { Partitioners, type Producer } from 'kafkajs'
import type { RuntimeConfig } from './config/env.js'
import { Decoder } from './ingest/decoder.js'
import { avroType, type PredictionEvent } from './ingest/schemas.js'
import { createKafka } from './kafka/client.js'
import { startKafkaSource, type RunningSource } from './kafka/source.js'
import { ensureTopics } from './kafka/topics.js'
import type { Logger } from './observability/logger.js'
import { createDeadLetterSink } from './pipeline/dead-letter-sink.js'
import { EmbeddedSource } from './pipeline/embedded-source.js'
import { createPredictionHandler } from './pipeline/prediction-handler.js'
import { embeddedPublisher, kafkaPublisher, registerSchemas, type EventPublisher } from './pipeline/publisher.js'
import type { BatchHandler } from './pipeline/source.js'
import { localResolver, registryResolver } from './registry/resolvers.js'
import { openStore, type Store } from './store/clickhouse.js'
import { migrate } from './store/migrate.js'
import { nextOffsets } from './store/offsets.js'

export interface AppOptions {
  /** Records larger than this are dead-lettered (DW_RECORD_TOO_LARGE). */
  readonly maxRecordBytes?: number
  readonly now?: () => number
  /** Consume (start a source). False for publish-only commands such as the backfill. */
  readonly consume?: boolean
}

export interface App {
  readonly mode: 'kafka' | 'embedded'
  readonly store: Store
  readonly publisher: EventPublisher
  /** Settles when the source stops; rejects on a fatal processing error. */
  readonly done: Promise<void>
  stop(): Promise<void>
}

export async function startApp(config: RuntimeConfig, logger: Logger, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? Date.now
  const store = openStore(config.clickhouse)
  const report = await migrate(store)
  logger.info({ clickhouse: store.kind, location: store.location, database: store.database, ...report }, 'ClickHouse ready')

  const handlers = (decoderResolver: ReturnType<typeof localResolver>, publishDlq: Parameters<typeof createDeadLetterSink>[1]) => {
    const predictionHandler = createPredictionHandler({
      store,
      decoder: new Decoder<PredictionEvent>(avroType('prediction'), decoderResolver),
      deadLetters: createDeadLetterSink(store, publishDlq),
      now,
      maxRecordBytes: options.maxRecordBytes ?? 1024 * 1024,
      onBatch: (s) => logger.debug(s, 'batch stored'),
    })
    return { [config.topics.predictions]: predictionHandler } as Record<string, BatchHandler>
  }

  if (!config.kafka) {
    const source = new EmbeddedSource(handlers(localResolver(), null), await nextOffsets(store, [config.topics.predictions]), now)
    logger.info('embedded mode: in-process source (no KAFKA_BROKERS)')
    let resolveDone!: () => void
    const done = new Promise<void>((r) => (resolveDone = r))
    return {
      mode: 'embedded',
      store,
      publisher: embeddedPublisher(source, config.topics),
      done,
      async stop() {
        await source.drain()
        await store.close()
        resolveDone()
      },
    }
  }

  const kafka = createKafka(config.kafka, logger)
  const admin = kafka.admin()
  await admin.connect()
  try {
    await ensureTopics(admin, config.topics)
  } finally {
    await admin.disconnect()
  }
  const registry = new SchemaRegistry({ host: config.registryUrl! })
  // murmur2 on the key, as the Java client: producers in any language that also hash with murmur2
  // put a prediction and its label on the same partition number.
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const ids = await registerSchemas(registry, config.topics)
  const publishDlq = async (topic: string, messages: { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | string> }[]) => {
    await producer.send({ topic, acks: -1, messages })
  }
  let source: RunningSource | null = null
  if (options.consume !== false) {
    source = await startKafkaSource({ kafka, groupId: config.kafka.groupId, handlers: handlers(registryResolver(registry), publishDlq), logger })
  }
  return {
    mode: 'kafka',
    store,
    publisher: kafkaPublisher(producer, registry, ids, config.topics),
    done: source?.done ?? Promise.resolve(),
    async stop() {
      await source?.stop()
      await producer.disconnect()
      await store.close()
    },
  }
}
