import { describe, expect, it } from 'vitest'
import { loadRuntimeConfig } from './env.js'
import { DriftwatchError } from '../errors.js'

/** The problems loadRuntimeConfig reports, none when the environment is valid. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadRuntimeConfig(env)
    return []
  } catch (e) {
    return (e as DriftwatchError).context['problems'] as string[]
  }
}

describe('loadRuntimeConfig', () => {
  it('defaults to embedded mode with nothing set', () => {
    const c = loadRuntimeConfig({})
    expect(c.kafka).toBeNull()
    expect(c.clickhouse.url).toBeNull()
    expect(c.clickhouse.database).toBe('driftwatch')
    expect(c.topics).toEqual({ predictions: 'predictions', groundTruth: 'ground-truth', partitions: 6, prefix: '' })
  })

  it('parses Kafka brokers and topic prefix', () => {
    const c = loadRuntimeConfig({
      KAFKA_BROKERS: 'a:9092, b:9093',
      SCHEMA_REGISTRY_URL: 'http://r:8081',
      DRIFTWATCH_TOPIC_PREFIX: 'dw.',
    })
    expect(c.kafka?.brokers).toEqual(['a:9092', 'b:9093'])
    expect(c.topics.predictions).toBe('dw.predictions')
  })

  it('reports every bad variable with its name', () => {
    try {
      loadRuntimeConfig({ KAFKA_BROKERS: 'nohost', CLICKHOUSE_URL: 'not a url', CLICKHOUSE_DATABASE: 'x;DROP', DRIFTWATCH_PARTITIONS: '0' })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(DriftwatchError)
      const err = e as DriftwatchError
      expect(err.code).toBe('DW_CONFIG_INVALID')
      const problems = err.context['problems'] as string[]
      expect(problems.map((p) => p.split(':')[0])).toEqual(
        expect.arrayContaining(['KAFKA_BROKERS', 'CLICKHOUSE_URL', 'CLICKHOUSE_DATABASE', 'DRIFTWATCH_PARTITIONS']),
      )
    }
  })

  it('refuses KAFKA_BROKERS entries with port 0, a port above 65535, no host or no port, naming the variable and each entry', () => {
    expect(problemsOf({ KAFKA_BROKERS: 'a:9092,b:0,c:99999,:9092,d:', SCHEMA_REGISTRY_URL: 'http://r:8081' })).toEqual([
      'KAFKA_BROKERS: "b:0": the port 0 is out of range (1 to 65535)',
      'KAFKA_BROKERS: "c:99999": the port 99999 is out of range (1 to 65535)',
      'KAFKA_BROKERS: ":9092" has no host (write host:port, like localhost:9092)',
      'KAFKA_BROKERS: "d:" has no port (write host:port, like localhost:9092)',
    ])
  })

  it('refuses a registry or ClickHouse URL with port 0, a port above 65535, another scheme or none, saying which part is wrong', () => {
    expect(problemsOf({ SCHEMA_REGISTRY_URL: 'http://r:0', CLICKHOUSE_URL: 'http://ch:70000' })).toEqual([
      'SCHEMA_REGISTRY_URL: must be an http:// or https:// URL, like http://localhost:8081; its port 0 is out of range (1 to 65535)',
      'CLICKHOUSE_URL: must be an http:// or https:// URL, like http://localhost:8123; its port 70000 is out of range (1 to 65535)',
    ])
    expect(problemsOf({ SCHEMA_REGISTRY_URL: 'tcp://r:8081', CLICKHOUSE_URL: 'localhost:8123' })).toEqual([
      'SCHEMA_REGISTRY_URL: must be an http:// or https:// URL, like http://localhost:8081; its scheme is "tcp:"',
      'CLICKHOUSE_URL: must be an http:// or https:// URL, like http://localhost:8123; it has no scheme: write it before the host',
    ])
  })

  it('says the range or the choices of a number or a word and what was given, in place of zod\'s wording', () => {
    const problems = problemsOf({ DRIFTWATCH_HTTP_PORT: '99999', DRIFTWATCH_PARTITIONS: 'six', DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: '1.5', DRIFTWATCH_LOG_LEVEL: 'verbose' })
    expect(problems).toEqual([
      'DRIFTWATCH_PARTITIONS: must be a whole number from 1 to 1000, got "six"',
      'DRIFTWATCH_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      'DRIFTWATCH_HTTP_PORT: must be a whole number from 0 to 65535 (0: any free port), got "99999"',
      'DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: must be a whole number from 100 to 3600000, got "1.5"',
    ])
    expect(loadRuntimeConfig({ DRIFTWATCH_HTTP_PORT: '0' }).http.port).toBe(0)
  })

  it('reads DRIFTWATCH_STUCK_PARTITION_MS (default 60 s) and rejects what is not a duration in range', () => {
    expect(loadRuntimeConfig({}).stuckPartitionMs).toBe(60_000)
    expect(loadRuntimeConfig({ DRIFTWATCH_STUCK_PARTITION_MS: '5000' }).stuckPartitionMs).toBe(5000)
    for (const bad of ['soon', '999', '1.5e3x', '86400001']) {
      expect(() => loadRuntimeConfig({ DRIFTWATCH_STUCK_PARTITION_MS: bad })).toThrow(/DRIFTWATCH_STUCK_PARTITION_MS/)
    }
  })

  it('accepts only http and https URLs for ClickHouse and the schema registry (a scheme-less host:port is refused)', () => {
    for (const bad of ['localhost:8123', 'ftp://x', 'http:localhost']) {
      for (const name of ['CLICKHOUSE_URL', 'SCHEMA_REGISTRY_URL']) {
        expect(() => loadRuntimeConfig({ [name]: bad }), `${name}=${bad}`).toThrow(new RegExp(`${name}: must be an http:// or https:// URL, like http://localhost:\\d+`))
      }
    }
    const ok = loadRuntimeConfig({ CLICKHOUSE_URL: 'https://u:p@ch.example.com:8443', SCHEMA_REGISTRY_URL: 'http://[::1]:8081/apis/ccompat/v7' })
    expect(ok.clickhouse.url).toBe('https://u:p@ch.example.com:8443')
    expect(ok.registryUrl).toBe('http://[::1]:8081/apis/ccompat/v7')
  })

  it('an empty variable (compose passes ${VAR:-} on as "") is unset: its default applies, for every variable', () => {
    const names = [
      'KAFKA_BROKERS', 'KAFKA_CLIENT_ID', 'KAFKA_GROUP_ID', 'SCHEMA_REGISTRY_URL', 'CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'CLICKHOUSE_DATABASE', 'CLICKHOUSE_CA_FILE',
      'DRIFTWATCH_DATA_DIR', 'DRIFTWATCH_CONFIG', 'DRIFTWATCH_TOPIC_PREFIX', 'DRIFTWATCH_PARTITIONS', 'DRIFTWATCH_LOG_LEVEL', 'DRIFTWATCH_LOG_FORMAT',
      'DRIFTWATCH_HTTP_ENABLED', 'DRIFTWATCH_HTTP_HOST', 'DRIFTWATCH_HTTP_PORT', 'DRIFTWATCH_HTTP_BODY_LIMIT_BYTES', 'DRIFTWATCH_HTTP_MAX_ITEMS', 'DRIFTWATCH_SHUTDOWN_TIMEOUT_MS', 'DRIFTWATCH_STUCK_PARTITION_MS',
      'DRIFTWATCH_API_TOKENS', 'DRIFTWATCH_API_TOKENS_FILE', 'DRIFTWATCH_PSEUDONYMIZATION_KEY', 'DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE',
      'KAFKA_SSL', 'KAFKA_SSL_CA_FILE', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE',
      'SLACK_WEBHOOK_URL', 'SMTP_URL', 'SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_TLS', 'SMTP_TLS_REJECT_UNAUTHORIZED', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO',
      'GRAFANA_URL', 'GRAFANA_API_TOKEN', 'DASHBOARD_BASE_URL', 'DRIFTWATCH_ALERT_RULES', 'DRIFTWATCH_ALERTS_ENABLED',
    ]
    const unset = loadRuntimeConfig({})
    for (const name of names) for (const empty of ['', '  ']) expect(loadRuntimeConfig({ [name]: empty }), `${name}=${JSON.stringify(empty)}`).toEqual(unset)
    expect(loadRuntimeConfig(Object.fromEntries(names.map((n) => [n, ''])))).toEqual(unset)
    // In Kafka mode too, and an empty VAR_FILE beside its VAR is not "both set".
    const kafka = { KAFKA_BROKERS: 'a:9092', SCHEMA_REGISTRY_URL: 'http://r:8081', DRIFTWATCH_PSEUDONYMIZATION_KEY: 'k'.repeat(32), KAFKA_SSL: '', DRIFTWATCH_PARTITIONS: '', DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE: '' }
    expect(loadRuntimeConfig(kafka)).toMatchObject({ kafka: { brokers: ['a:9092'], security: { ssl: false, sasl: null } }, topics: { partitions: 6 }, pseudonymizationKey: 'k'.repeat(32) })
  })

  it('requires a schema registry with Kafka', () => {
    expect(() => loadRuntimeConfig({ KAFKA_BROKERS: 'a:1' })).toThrow(/SCHEMA_REGISTRY_URL/)
  })
})
