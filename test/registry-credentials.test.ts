/**
 * A schema registry that refuses driftwatch's credentials, on real Kafka: `driftwatch start` and
 * createPredictionLogger stop at the registry's first refusal with DW_CONFIG_INVALID (exit 2 for
 * the CLI, as Kafka's refused SASL credentials), in one line that names the registry URL without
 * its user and password, instead of retrying and reporting a retriable DW_REGISTRY_UNAVAILABLE.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createPredictionLogger } from '../src/index.js'
import { TEST_PSEUDONYMIZATION_KEY, uniqueName } from './support/config.js'
import { HttpReceiver } from './support/http-receiver.js'

/** The CLI from the TypeScript sources through tsx, whether or not dist/ holds a build. */
const SOURCES = ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'cli', 'main.ts')]

/** `driftwatch <args>` run to its end: its exit code and stderr. */
function driftwatch(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...SOURCES, ...args], { env, timeout: 150_000 }, (error, _stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr }),
    )
  })
}

describe('a schema registry that refuses the credentials', () => {
  const infra = inject('infra')
  const prefix = `${uniqueName('regauth')}.`
  const dir = mkdtempSync(join(tmpdir(), 'dw-registry-auth-'))
  const registries: HttpReceiver[] = []
  const refusing = async (status: 401 | 403) => {
    const registry = new HttpReceiver(() => ({ status, body: { error_code: status * 100 + 1, message: status === 401 ? 'Unauthorized' : 'Forbidden' } }))
    await registry.up()
    registries.push(registry)
    return registry
  }
  afterAll(async () => {
    for (const r of registries) await r.down()
    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix))
    if (topics.length) await admin.deleteTopics({ topics })
    await admin.disconnect()
    rmSync(dir, { recursive: true, force: true })
  })

  it('`driftwatch start`: DW_CONFIG_INVALID, exit 2, one line naming the registry without the password; the refusal is not retried', { timeout: 180_000 }, async () => {
    const registry = await refusing(401)
    const run = await driftwatch(['start'], {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      DRIFTWATCH_DATA_DIR: join(dir, 'data'),
      KAFKA_BROKERS: infra.kafkaBrokers,
      SCHEMA_REGISTRY_URL: `${registry.url.replace('http://', 'http://driftwatch:Sup3r-s3cret@')}/apis/ccompat/v7`,
      DRIFTWATCH_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: `${prefix}group`,
      DRIFTWATCH_PSEUDONYMIZATION_KEY: TEST_PSEUDONYMIZATION_KEY,
      DRIFTWATCH_HTTP_ENABLED: 'false',
      DRIFTWATCH_LOG_LEVEL: 'fatal',
    })
    expect([run.code, run.stderr]).toEqual([
      2,
      `driftwatch: DW_CONFIG_INVALID: the schema registry at ${registry.url}/apis/ccompat/v7 refused this client's credentials (HTTP 401 on GET /config/${prefix}predictions-value): ` +
        'check the user and password in SCHEMA_REGISTRY_URL (https://user:password@host/...)\n',
    ])
    expect(registry.requests).toHaveLength(1)
  })

  it('createPredictionLogger: DW_CONFIG_INVALID, not retriable, on a 403', { timeout: 60_000 }, async () => {
    const registry = await refusing(403)
    const failure = await createPredictionLogger({ brokers: infra.kafkaBrokers.split(','), registryUrl: registry.url.replace('http://', 'http://app:pw-123456@'), topicPrefix: prefix }).then(
      async (logger) => {
        await logger.close()
        return null
      },
      (e: unknown) => e,
    )
    expect(failure).toMatchObject({ code: 'DW_CONFIG_INVALID', retriable: false })
    expect((failure as Error).message).toMatch(new RegExp(`^the schema registry at ${registry.url}/ refused this client's request \\(HTTP 403 on GET /config/${prefix.replaceAll('.', '\\.')}predictions-value\\): give the registry user of registryUrl `))
    expect((failure as Error).message).not.toContain('pw-123456')
    expect(registry.requests).toHaveLength(1)
  })
})
