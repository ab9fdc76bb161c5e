/**
 * The composition root: the one place that wires configuration, ClickHouse, Kafka (or the
 * embedded source), decoders and handlers together. Everything else receives its dependencies.
 */
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs'
import type { RuntimeConfig } from './config/env.js'
import { loadFileConfig, type FileConfig } from './config/file.js'
import { createKafka, kafkaUnavailable } from './kafka/client.js'
import { startKafkaSource, type RunningSource } from './kafka/source.js'
import { memberIdentity } from './kafka/co-partitioned-assigner.js'
import type { SkippedRecords } from './pipeline/erased-screen.js'
import { assertCoPartitioned, ensureTopics, type TopicLayout } from './kafka/topics.js'
import { startLeadership, type Leadership, type SingletonRole } from './kafka/leadership.js'
import { topicLimits } from './kafka/topic-limits.js'
import { DriftwatchError, describeError, isDriftwatchError } from './errors.js'
import type { Logger } from './observability/logger.js'
import { instrumentDeadLetterSink, instrumentHandlers } from './observability/instrument-pipeline.js'
import { instrumentStore } from './observability/instrument-store.js'
import { trackStoreWrites } from './observability/store-writes.js'
import type { DriftwatchMetrics } from './observability/metrics.js'
import { alertDeliveryRecorder } from './observability/alert-deliveries.js'
import { startPipelineWatch, type PipelineWatch, type PipelineWatchOptions } from './observability/pipeline-watch.js'
import { createDeadLetterSink, type TopicLimit, type TopicPublisher } from './pipeline/dead-letter-sink.js'
import { EmbeddedSource } from './pipeline/embedded-source.js'
import { PartitionProgress, type PartitionState } from './pipeline/partition-progress.js'
import { topicHandlers } from './pipeline/handlers.js'
import { ReplayGuard } from './pipeline/replay-guard.js'
import { Joiner } from './join/joiner.js'
import { schemaRegistryClient } from './registry/client.js'
import { Evaluator } from './evaluate/evaluator.js'
import { createAlertService, type CreateAlertServiceOptions } from './alerts/create-alert-service.js'
import { loadRules, rulesDirectory } from './alerts/load-rules.js'
import type { RuleSet } from './rules/parse.js'
import type { AlertService } from './alerts/service.js'
import { embeddedPublisher, kafkaPublisher, registerSchemas, type EventPublisher } from './pipeline/publisher.js'
import { localResolver, registryQuestions, registryResolver } from './registry/resolvers.js'
import { openStore, type Store } from './store/clickhouse.js'
import { migrate } from './store/migrate.js'
import { applyRetention } from './store/retention.js'
import { privacyFor } from './store/privacy.js'
import { guardModelSettings } from './store/model-settings-guard.js'
import { keyInUse } from './store/pseudonymize.js'

import { nextOffsets, reserveOffsets } from './store/offsets.js'

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
  /** Makes the join; default a Joiner. Fault-injection tests subclass it. */
  readonly joiner?: (store: Store, file: FileConfig) => Joiner
  /** Self-monitoring: record into these metrics (the caller creates them and serves GET /metrics). */
  readonly metrics?: DriftwatchMetrics
  /** Run the alert service (default: when the evaluator loop runs and DRIFTWATCH_ALERTS_ENABLED is not false). */
  readonly alerts?: boolean
  /** The alert service's delivery retry policy (default DEFAULT_DELIVERY); tests shorten the backoff. */
  readonly alertDelivery?: CreateAlertServiceOptions['delivery']
  /**
   * Set every table's TTL from file.retention (src/store/retention.ts). Retention is a setting of
   * the service, shared by everything on the database: a command that opens the store for other
   * work (the backfill) passes false, or its own driftwatch.yaml, or the defaults where it finds
   * none, would replace the service's TTLs, and the next merges would delete rows by them.
   * Default true: `driftwatch start` sets it.
   */
  readonly applyRetention?: boolean
}

export interface App {
  readonly mode: 'kafka' | 'embedded'
  readonly store: Store
  readonly publisher: EventPublisher
  readonly evaluator: Evaluator
  readonly joiner: Joiner
  /** The alert service; null when this instance runs none (AppOptions.alerts, DRIFTWATCH_ALERTS_ENABLED). */
  readonly alerts: AlertService | null
  /** Which singleton roles this instance leads now (Kafka mode: elected through Kafka; embedded: all it runs). */
  leading(): { readonly evaluator: boolean; readonly alerts: boolean }
  /** The self-monitoring samplers (lag, pending labels); null without AppOptions.metrics or a source. Tests sample now. */
  readonly watch: PipelineWatch | null
  /** Settles when the source stops; rejects on a fatal processing error. */
  readonly done: Promise<void>
  /** Partitions whose batch has not succeeded for longer than DRIFTWATCH_STUCK_PARTITION_MS (for /readyz); always empty in embedded mode. */
  stuckPartitions(): PartitionState[]
  stop(): Promise<void>
}

/** Resources to release, in reverse order of acquisition, on stop or when start-up fails. */
class Closers {
  private readonly list: (() => Promise<unknown>)[] = []
  add(close: () => Promise<unknown>): void {
    this.list.push(close)
  }
  async closeAll(): Promise<void> {
    for (const close of this.list.reverse()) await close().catch(() => undefined)
    this.list.length = 0
  }
}

export async function startApp(config: RuntimeConfig, logger: Logger, options: AppOptions = {}): Promise<App> {
  const file = options.file ?? loadFileConfig(config.configFile)
  // The rule files are configuration too: a bad one stops the start (DW_CONFIG_INVALID, exit 2)
  // before anything opens, migrates or connects.
  const rules = alertsRun(config, options) ? loadRules(rulesDirectory(config.alerts.rulesDir)) : null
  // Its writes watched, so that /readyz says when they fail (src/observability/store-writes.ts).
  const store = trackStoreWrites(instrumentStore((options.openStore ?? openStore)(config.clickhouse), options.metrics))
  const closers = new Closers()
  closers.add(() => store.close())
  try {
    return await assemble(config, logger, options, file, rules, store, closers)
  } catch (e) {
    await closers.closeAll()
    throw e
  }
}

/** Whether this instance runs the evaluator (AppOptions.evaluate, by default where it consumes). */
const evaluates = (options: AppOptions): boolean => options.evaluate ?? options.consume !== false

/** Whether this instance runs an alert service (AppOptions.alerts, by default where it evaluates; DRIFTWATCH_ALERTS_ENABLED). */
const alertsRun = (config: RuntimeConfig, options: AppOptions): boolean => (options.alerts ?? evaluates(options)) && config.alerts.enabled

async function assemble(config: RuntimeConfig, logger: Logger, options: AppOptions, file: FileConfig, rules: RuleSet | null, store: Store, closers: Closers): Promise<App> {
  const now = options.now ?? Date.now
  const report = await migrate(store)
  logger.info({ clickhouse: store.kind, location: store.location, database: store.database, ...report }, 'ClickHouse ready')
  // Before anything is consumed, evaluated or written: a window or pii list the stored rows
  // contradict stops the start, and so does a pseudonymization key other than the stored pseudonyms'.
  await guardModelSettings(store, file, config.configFile, logger, keyInUse(config))
  if (options.applyRetention !== false) await applyRetention(store, { rawMs: file.retention.raw, metricsMs: file.retention.metrics }, logger)
  const joiner = options.joiner ? options.joiner(store, file) : new Joiner(store, file)
  const privacy = privacyFor(config, file)
  const erasedSkipped = options.metrics?.erasedSkipped
  const base = { store, file, topics: config.topics, joiner, now, logger, privacy, ...(erasedSkipped ? { onErasedSkipped: (s: SkippedRecords) => erasedSkipped.inc({ topic: s.topic }, s.skipped) } : {}) }
  let dlqLimit: TopicLimit | undefined
  const deadLetterSink = (publish: TopicPublisher | null) => instrumentDeadLetterSink(createDeadLetterSink(store, publish, dlqLimit), options.metrics)
  let watch: PipelineWatch | null = null
  const watchPipeline = (kafka?: PipelineWatchOptions['kafka']) => {
    if (!options.metrics) return
    const started = startPipelineWatch({ metrics: options.metrics, store, joinIndex: joiner.index, logger, ...(kafka ? { kafka } : {}) })
    closers.add(() => started.stop())
    watch = started
  }
  const evaluating = evaluates(options)
  // In Kafka mode only the elected alert service sends, and only while its lease holds
  // (src/kafka/leadership.ts): a leader back from a stall does not send beside its successor.
  let alertsLeadership: Leadership | null = null
  const mayDeliver = () => !config.kafka || (alertsLeadership?.holdsLease() ?? false)
  const alerts = rules
    ? createAlertService({ store, file, rules, channels: config.alerts, logger: logger.child({ component: 'alerts' }), now, delivery: options.alertDelivery, mayDeliver, ...(options.metrics ? { deliveries: alertDeliveryRecorder(options.metrics) } : {}) })
    : null
  // The evaluator and the alert service are singletons: in Kafka mode each runs only in the
  // instance that Kafka's group coordination elects (src/kafka/leadership.ts); embedded mode is one
  // process, which leads both.
  const leading = { evaluator: false, alerts: false }
  const startAlerts = (ownTimer: boolean) => {
    leading.alerts = true
    // Resumes deliveries a previous leader or process left pending. Without an evaluator leading in
    // this process the rules run on their own interval; otherwise after each evaluator pass, or
    // when the caller drives the evaluation (tests, the demo).
    alerts!.start(ownTimer ? { evaluateEveryMs: file.evaluation.interval } : {})
  }
  const stopAlerts = async () => {
    leading.alerts = false
    await alerts!.stop()
  }
  // Likewise the elected evaluator writes only while its lease holds; a caller that drives the
  // evaluation itself (no evaluator loop: tests, the demo) runs no election.
  let evaluatorLeadership: Leadership | null = null
  const mayWrite = () => !config.kafka || !evaluating || (evaluatorLeadership?.holdsLease() ?? false)
  const startEvaluator = (publishDlq: TopicPublisher | null) => {
    const evaluator = new Evaluator({
      store, file, deadLetters: deadLetterSink(publishDlq), logger: logger.child({ component: 'evaluator' }), now, mayWrite,
      // A caller that drives the evaluation itself (the demo, tests: no evaluator loop) gets the
      // alert pass after its own; the loop's passes alert only where this instance leads the alerts.
      afterPass: alerts ? async () => void (leading.alerts || !evaluating ? await alerts.evaluateNow() : undefined) : undefined,
    })
    closers.add(() => evaluator.stop())
    return evaluator
  }
  // Wall-clock time, not options.now: tests pin `now` for event-time validation, never for this.
  const progress = new PartitionProgress(config.stuckPartitionMs, Date.now)
  const app = (mode: App['mode'], publisher: EventPublisher, evaluator: Evaluator, done: Promise<void>): App => ({
    mode, store, publisher, evaluator, joiner, alerts, done, watch,
    leading: () => ({ ...leading }),
    stuckPartitions: () => progress.stuck(),
    stop: () => closers.closeAll(),
  })

  if (!config.kafka) {
    const handlers = instrumentHandlers(topicHandlers({ ...base, deadLetters: deadLetterSink(null), resolver: localResolver() }), options.metrics)
    const initial = await nextOffsets(store, [config.topics.predictions, config.topics.groundTruth])
    const source = new EmbeddedSource(handlers, initial, (topic, next) => reserveOffsets(store, topic, next), now)
    logger.info('embedded mode: in-process source (no KAFKA_BROKERS)')
    let resolveDone!: () => void
    const done = new Promise<void>((r) => (resolveDone = r))
    closers.add(async () => resolveDone())
    closers.add(() => source.drain())
    if (options.consume !== false) watchPipeline()
    const evaluator = startEvaluator(null)
    if (alerts) {
      startAlerts(options.consume === false && !evaluating)
      closers.add(stopAlerts)
    }
    if (evaluating) {
      leading.evaluator = true
      evaluator.start()
    }
    return app('embedded', embeddedPublisher(source, config.topics), evaluator, done)
  }

  const { kafka, registry, producer, ids } = await connectPublishing(config, logger)
  closers.add(() => producer.disconnect())
  // Dead letters are sized against the DLQ topic's own limit, read from the broker. A failed send
  // (broker away, or a limit changed under us) is retried with the batch, never fatal; the limit
  // is read again first.
  const limits = topicLimits(kafka, logger.child({ component: 'dead-letters' }))
  dlqLimit = (topic) => limits.maxMessageBytes(topic)
  const publishDlq: TopicPublisher = async (topic, messages) => {
    try {
      await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages })
    } catch (cause) {
      limits.forget(topic)
      throw new DriftwatchError('DW_KAFKA_UNAVAILABLE', `writing ${messages.length} dead letter(s) to ${topic} failed: ${describeError(cause)}`, { cause, retriable: true })
    }
  }
  // Without a source, `done` settles only on stop(): roles that do not consume run until stopped.
  let resolveIdle!: () => void
  let done: Promise<void> = new Promise<void>((r) => (resolveIdle = r))
  closers.add(async () => resolveIdle())
  const evaluator = startEvaluator(publishDlq)
  const lead = async (role: SingletonRole, onElected: () => void, onDeposed: () => Promise<void>) => {
    const leadership = await startLeadership({ kafka, groupId: config.kafka!.groupId, topicPrefix: config.topics.prefix, role, logger, onElected, onDeposed })
    closers.add(() => leadership.stop())
    return leadership
  }
  if (alerts) {
    closers.add(() => alerts.stop()) // lanes a test or the CLI kicked while this instance did not lead
    alertsLeadership = await lead('alerts', () => startAlerts(true), stopAlerts)
  }
  if (evaluating) {
    evaluatorLeadership = await lead('evaluator', () => {
      leading.evaluator = true
      evaluator.start()
    }, async () => {
      leading.evaluator = false
      await evaluator.stop()
    })
    // On stop, before the lease is given up (closers run in reverse): the pass in progress ends
    // after its current window, which it still may write, instead of failing its fence.
    closers.add(() => evaluator.stop())
  }
  if (options.consume !== false) {
    const replayGuard = new ReplayGuard()
    const handlers = instrumentHandlers(topicHandlers({ ...base, deadLetters: deadLetterSink(publishDlq), resolver: registryResolver(registry, registryQuestions(config.registryUrl!)), replayGuard }), options.metrics)
    options.metrics?.watchPartitions(progress)
    // What this member tells the group, so that instances that cannot share it are told (src/kafka/co-partitioned-assigner.ts).
    const member = memberIdentity(store.kind, file)
    const source: RunningSource = await startKafkaSource({ kafka, groupId: config.kafka.groupId, handlers, logger, progress, member, onConfigMismatch: (n) => options.metrics?.groupConfigMismatch.set(n), onSkipped: (topic, partition, from, to) => replayGuard.skipped(topic, partition, from, to), onJoin: () => {
        replayGuard.reassigned()
        joiner.rereadStoredIds()
        void checkCoPartitioned(kafka, config.topics, logger)
      } })
    closers.add(() => source.stop())
    watchPipeline({ client: kafka, groupId: config.kafka.groupId, topics: [config.topics.predictions, config.topics.groundTruth] })
    done = source.done
  }
  return app('kafka', kafkaPublisher(producer, registry, ids, config.topics), evaluator, done)
}

export interface RunningPublisher {
  readonly publisher: EventPublisher
  stop(): Promise<void>
}

/**
 * Kafka mode, publish only (the backfill): topics, schemas and an idempotent producer, and no
 * ClickHouse. Opening chDB here would fail while `driftwatch start` holds the data directory on
 * the same machine, though publishing needs none of it.
 */
export async function startPublisher(config: RuntimeConfig, logger: Logger): Promise<RunningPublisher> {
  if (!config.kafka) throw new Error('startPublisher needs KAFKA_BROKERS: embedded mode publishes into the in-process pipeline (startApp)')
  const { registry, producer, ids } = await connectPublishing(config, logger)
  return { publisher: kafkaPublisher(producer, registry, ids, config.topics), stop: () => producer.disconnect() }
}

/**
 * A partition added to one of the topics while running is consumed (kafkajs finds it at its next
 * metadata refresh and the group rebalances), but a prediction and its label may then be consumed
 * by different instances, and the next start is refused (DW_TOPIC_MISMATCH). Checked at each
 * join of the group, so the log says so when it happens; /readyz reports it too.
 */
async function checkCoPartitioned(kafka: Kafka, topics: TopicLayout, logger: Logger): Promise<void> {
  const admin = kafka.admin()
  try {
    await admin.connect()
    await assertCoPartitioned(admin, topics)
  } catch (e) {
    if (isDriftwatchError(e) && e.code === 'DW_TOPIC_MISMATCH') logger.error({ code: e.code }, e.message)
    else logger.debug({ err: e }, 'checking the topics\' partition counts after a join failed')
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}

/**
 * Kafka mode's publishing side: the topics (created, co-partitioning checked), the registry with
 * our schemas registered, and a connected idempotent producer. The producer is disconnected again
 * when a later step fails.
 */
async function connectPublishing(config: RuntimeConfig, logger: Logger) {
  const kafka = createKafka(config.kafka!, logger)
  const admin = kafka.admin()
  try {
    await admin.connect()
    try {
      await ensureTopics(admin, config.topics)
    } finally {
      await admin.disconnect()
    }
  } catch (e) {
    throw kafkaUnavailable(e, config.kafka!.brokers, 'KAFKA_BROKERS')
  }
  const registry = schemaRegistryClient(config.registryUrl!)
  // murmur2 on the key, as the Java client: producers in any language that also hash with murmur2
  // put a prediction and its label on the same partition number.
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  try {
    return { kafka, registry, producer, ids: await registerSchemas(registry, config.topics) }
  } catch (e) {
    await producer.disconnect().catch(() => undefined)
    throw e
  }
}

