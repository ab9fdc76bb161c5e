import { describe, expect, it } from 'vitest'
import { loadRuntimeConfig } from '../config/env.js'
import { createLogger } from '../observability/logger.js'
import { runStart } from './start.js'

describe('driftwatch start --role', () => {
  it.each(['ingest', 'processor', 'evaluator', 'alerts'] as const)('refuses --role %s without Kafka and a ClickHouse server, before starting anything', async (role) => {
    await expect(runStart(loadRuntimeConfig({}), createLogger('silent'), role)).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining(`--role ${role} needs KAFKA_BROKERS and CLICKHOUSE_URL`) })
    const kafkaOnly = loadRuntimeConfig({ KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' })
    await expect(runStart(kafkaOnly, createLogger('silent'), role)).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID' })
  })
})
