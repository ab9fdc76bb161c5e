/**
 * Provides real infrastructure to the integration tests, or fails loudly. In order:
 *  1. KAFKA_BROKERS + SCHEMA_REGISTRY_URL (and CLICKHOUSE_URL) from the environment, checked reachable;
 *  2. testcontainers, when a Docker engine is reachable;
 *  3. scripts/infra/up.sh: Apache Kafka (KRaft) and Apicurio Registry resolved from Maven Central.
 * ClickHouse is the server at CLICKHOUSE_URL when set, else chDB in one temporary data directory
 * shared by all test files (one directory per process; tests use unique databases).
 * DW_TEST_INFRA=env|docker|local forces one of the three.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { checkKafka, checkRegistry } from './checks.js'
import { startLocalInfra } from './local.js'
import { startContainers } from './containers.js'

export interface ProvidedInfra {
  readonly how: 'env' | 'docker' | 'local'
  readonly kafkaBrokers: string
  readonly registryUrl: string
  readonly clickhouseUrl: string | null
  readonly chdbDataDir: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    infra: ProvidedInfra
  }
}

function dockerReachable(): boolean {
  return Boolean(process.env['DOCKER_HOST']) || existsSync('/var/run/docker.sock')
}

export default async function setup(project: TestProject) {
  const forced = process.env['DW_TEST_INFRA']
  const started = Date.now()
  let how: ProvidedInfra['how']
  let kafkaBrokers: string
  let registryUrl: string
  let teardown: () => Promise<void> = async () => {}

  if (forced === 'env' || (!forced && process.env['KAFKA_BROKERS'])) {
    how = 'env'
    kafkaBrokers = process.env['KAFKA_BROKERS'] ?? ''
    registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? ''
    if (!kafkaBrokers || !registryUrl) throw new Error('integration tests: KAFKA_BROKERS and SCHEMA_REGISTRY_URL must both be set')
  } else if (forced === 'docker' || (!forced && dockerReachable())) {
    how = 'docker'
    const c = await startContainers()
    ;({ kafkaBrokers, registryUrl } = c)
    teardown = c.stop
  } else {
    how = 'local'
    ;({ kafkaBrokers, registryUrl } = await startLocalInfra())
  }
  await checkKafka(kafkaBrokers)
  await checkRegistry(registryUrl)

  const chdbDataDir = mkdtempSync(join(tmpdir(), 'driftwatch-test-'))
  const infra: ProvidedInfra = { how, kafkaBrokers, registryUrl, clickhouseUrl: process.env['CLICKHOUSE_URL'] ?? null, chdbDataDir }
  project.provide('infra', infra)
  console.log(
    `[integration] infrastructure (${how}) ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
      `kafka ${kafkaBrokers}, registry ${registryUrl}, clickhouse ${infra.clickhouseUrl ?? `chDB at ${chdbDataDir}`}`,
  )
  return async () => {
    rmSync(chdbDataDir, { recursive: true, force: true })
    await teardown()
  }
}
