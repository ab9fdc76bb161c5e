/** Per-test configuration on the provided infrastructure: a unique database, topics and group. */
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import { loadRuntimeConfig, type RuntimeConfig } from '../../src/config/env.js'

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
