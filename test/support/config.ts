/** Per-test configuration on the provided infrastructure: a unique database, topics and group. */
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import { loadRuntimeConfig, type RuntimeConfig } from '../../src/config/env.js'
import { withDatabase } from '../../src/store/query.js'

/** The key integration tests pseudonymize personal fields with. */
export const TEST_PSEUDONYMIZATION_KEY = 'driftwatch-test-pseudonymization-key'

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`
}

export function testConfig(opts: { kafka?: boolean; partitions?: number; env?: Record<string, string> } = {}): RuntimeConfig {
  const infra = inject('infra')
  const id = uniqueName('t')
  return loadRuntimeConfig({
    ...(opts.kafka === false ? {} : { KAFKA_BROKERS: infra.kafkaBrokers, SCHEMA_REGISTRY_URL: infra.registryUrl }),
    ...(infra.clickhouseUrl ? { CLICKHOUSE_URL: infra.clickhouseUrl } : {}),
    DRIFTWATCH_DATA_DIR: infra.chdbDataDir,
    CLICKHOUSE_DATABASE: id,
    KAFKA_GROUP_ID: `${id}-group`,
    DRIFTWATCH_TOPIC_PREFIX: `${id}.`,
    DRIFTWATCH_PARTITIONS: String(opts.partitions ?? 3),
    DRIFTWATCH_LOG_LEVEL: process.env['DRIFTWATCH_LOG_LEVEL'] ?? 'error',
    DRIFTWATCH_PSEUDONYMIZATION_KEY: TEST_PSEUDONYMIZATION_KEY,
    ...opts.env,
  })
}

/** Drops a test's database and deletes its topics (and their .dlq twins): tests clean up after themselves. */
export async function dropTestResources(config: RuntimeConfig): Promise<void> {
  const { openStore } = await import('../../src/store/clickhouse.js')
  const store = openStore(config.clickhouse)
  try {
    await store.client.command({ query: withDatabase('DROP DATABASE IF EXISTS {db}', store.database) })
  } finally {
    await store.close()
  }
  if (!config.kafka) return
  const { Kafka, logLevel } = await import('kafkajs')
  const admin = new Kafka({ brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    const topics = [config.topics.predictions, config.topics.groundTruth]
    const existing = new Set(await admin.listTopics())
    const doomed = [...topics, ...topics.map((t) => `${t}.dlq`)].filter((t) => existing.has(t))
    if (doomed.length) await admin.deleteTopics({ topics: doomed })
  } finally {
    await admin.disconnect()
  }
}
