/**
 * The composition root: the one place that wires configuration, ClickHouse, Kafka (or the
 * embedded source), decoders and handlers together. Everything else receives its dependencies.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { Partitioners, type Producer } from 'kafkajs'
import type { RuntimeConfig } from './config/env.js'
import { loadFileConfig, type FileConfig } from './config/file.js'
import { Decoder, type SchemaResolver } from './ingest/decoder.js'
import { avroType, type GroundTruthEvent, type PredictionEvent } from './ingest/schemas.js'
import { limitsFromConfig, validateGroundTruth, validatePrediction } from './ingest/validate.js'
import { createKafka } from './kafka/client.js'
import { startKafkaSource, type RunningSource } from './kafka/source.js'
import { ensureTopics } from './kafka/topics.js'
import type { Logger } from './observability/logger.js'
import { createDeadLetterSink } from './pipeline/dead-letter-sink.js'
import { EmbeddedSource } from './pipeline/embedded-source.js'
import { createEventHandler } from './pipeline/event-handler.js'
import { Joiner } from './join/joiner.js'
import { Evaluator } from './evaluate/evaluator.js'
import { embeddedPublisher, kafkaPublisher, registerSchemas, type EventPublisher } from './pipeline/publisher.js'
import type { BatchHandler } from './pipeline/source.js'
import { localResolver, registryResolver } from './registry/resolvers.js'
import { openStore, type Store } from './store/clickhouse.js'
import { migrate } from './store/migrate.js'
import { applyRetention } from './store/retention.js'
import { nextOffsets } from './store/offsets.js'
import { groundTruthRow, predictionRow } from './store/rows.js'

export interface AppOptions {
  /** The monitoring configuration; default: loaded from config.configFile (or ./driftwatch.yaml). */
  readonly file?: FileConfig
  readonly now?: () => number
  /** Consume (start a source). False for publish-only commands such as the backfill. */
  readonly consume?: boolean
  /** Run the evaluator loop (default true when consuming). Tests drive it with evaluator.evaluateNow(). */
  readonly evaluate?: boolean
  /** Opens the ClickHouse store; default openStore. Fault-injection tests wrap it. */
  readonly openStore?: typeof openStore
}

export interface App {
  readonly mode: 'kafka' | 'embedded'
  readonly store: Store
  readonly publisher: EventPublisher
  readonly evaluator: Evaluator
  readonly joiner: Joiner
  /** Settles when the source stops; rejects on a fatal processing error. */
  readonly done: Promise<void>
  stop(): Promise<void>
}

export async function startApp(config: RuntimeConfig, logger: Logger, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? Date.now
  const file = options.file ?? loadFileConfig(config.configFile)
  const store = (options.openStore ?? openStore)(config.clickhouse)
  const report = await migrate(store)
  logger.info({ clickhouse: store.kind, location: store.location, database: store.database, ...report }, 'ClickHouse ready')

  await applyRetention(store, { rawDays: file.retention.raw / 86_400_000, metricsDays: file.retention.metrics / 86_400_000 })
  const limits = limitsFromConfig(file.ingest, file.models.map((m) => m.id))
  const joiner = new Joiner(store, file)
  const evaluatorFor = (publishDlq: Parameters<typeof createDeadLetterSink>[1]) => {
    const evaluator = new Evaluator({ store, file, deadLetters: createDeadLetterSink(store, publishDlq), logger: logger.child({ component: 'evaluator' }), now })
    if (options.evaluate ?? options.consume !== false) evaluator.start()
    return evaluator
  }
  const handlers = (resolver: SchemaResolver, publishDlq: Parameters<typeof createDeadLetterSink>[1]): Record<string, BatchHandler> => {
    const common = {
      store,
      deadLetters: createDeadLetterSink(store, publishDlq),
      now,
      maxRecordBytes: file.ingest.maxRecordBytes,
      onBatch: (s: object) => logger.debug(s, 'batch stored'),
    }
    return {
      [config.topics.predictions]: createEventHandler<PredictionEvent>({
        ...common,
        table: 'predictions',
        decoder: new Decoder(avroType('prediction'), resolver),
        validate: (e, nowMs) => validatePrediction(e, nowMs, limits),
        toRow: predictionRow,
        afterStore: (events, token) => joiner.onPredictions(events, token),
      }),
      [config.topics.groundTruth]: createEventHandler<GroundTruthEvent>({
        ...common,
        table: 'ground_truth',
        decoder: new Decoder(avroType('ground-truth'), resolver),
        validate: (e, nowMs) => validateGroundTruth(e, nowMs, limits),
        toRow: groundTruthRow,
        afterStore: (events, token) => joiner.onLabels(events, token),
      }),
    }
  }
  const topics = [config.topics.predictions, config.topics.groundTruth]

  if (!config.kafka) {
    const source = new EmbeddedSource(handlers(localResolver(), null), await nextOffsets(store, topics), now)
    logger.info('embedded mode: in-process source (no KAFKA_BROKERS)')
    const evaluator = evaluatorFor(null)
    let resolveDone!: () => void
    const done = new Promise<void>((r) => (resolveDone = r))
    return {
      mode: 'embedded',
      store,
      publisher: embeddedPublisher(source, config.topics),
      evaluator,
      joiner,
      done,
      async stop() {
        await source.drain()
        await evaluator.stop()
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
  const evaluator = evaluatorFor(publishDlq)
  return {
    mode: 'kafka',
    store,
    publisher: kafkaPublisher(producer, registry, ids, config.topics),
    evaluator,
    joiner,
    done: source?.done ?? Promise.resolve(),
    async stop() {
      await source?.stop()
      await evaluator.stop()
      await producer.disconnect()
      await store.close()
    },
  }
}
