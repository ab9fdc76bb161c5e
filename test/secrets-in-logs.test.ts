/**
 * Secrets never reach the logs: `driftwatch start` at trace level, with API tokens, the
 * pseudonymization key and a ClickHouse password configured, serves authorized and
 * unauthorized requests; neither its output nor a configuration error contains any secret.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { waitFor } from './support/wait.js'

const root = join(import.meta.dirname, '..')
const SECRETS = {
  ingest: 'ingest-token-0123456789abcdef',
  admin: 'admin-token-fedcba9876543210',
  key: 'pseudonymization-key-0123456789',
  chPassword: 'clickhouse-password-secret-42',
  sasl: 'sasl-password-secret-77',
  smtp: 'smtp-password-secret-99',
  grafana: 'grafana-api-token-secret-55',
  slack: 'T000/B000/slack-webhook-secret-33',
}

function run(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dw-secrets-'))
  const child = spawn(process.execPath, [join(root, 'bin/driftwatch.js'), 'start'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', DRIFTWATCH_DATA_DIR: dataDir, DRIFTWATCH_LOG_LEVEL: 'trace', DRIFTWATCH_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((r) => child.on('exit', r))
  return { child, exited, output: () => output, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) }
}

const leaked = (output: string) => Object.entries(SECRETS).filter(([, v]) => output.includes(v)).map(([k]) => k)

describe('secrets in logs', () => {
  it('are never logged while serving requests at trace level', async () => {
    const cli = run({
      DRIFTWATCH_API_TOKENS: `ingest:${SECRETS.ingest},admin:${SECRETS.admin}`,
      DRIFTWATCH_PSEUDONYMIZATION_KEY: SECRETS.key,
      CLICKHOUSE_PASSWORD: SECRETS.chPassword,
      SMTP_HOST: '127.0.0.1', SMTP_PORT: '1', SMTP_USER: 'u', SMTP_PASSWORD: SECRETS.smtp, SMTP_TLS: 'none',
      ALERT_EMAIL_FROM: 'dw@example.com', ALERT_EMAIL_TO: 'oncall@example.com',
      GRAFANA_URL: 'http://127.0.0.1:1', GRAFANA_API_TOKEN: SECRETS.grafana,
      SLACK_WEBHOOK_URL: `http://127.0.0.1:1/services/${SECRETS.slack}`,
    })
    try {
      const url = await waitFor(async () => /"http":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(cli.output())?.[1], (u) => u !== undefined, { timeoutMs: 90_000, what: 'the server address' })
      const item = { prediction_id: 's-1', model_id: 'm', model_version: 'v', event_time: Date.now(), features: {}, prediction: { score: 0.2 }, subject_id: 'person-1' }
      const post = (token: string) => fetch(`${url}/v1/predictions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify([item]) })
      expect((await post(SECRETS.ingest)).status).toBe(200)
      expect((await post(`${SECRETS.admin}-wrong`)).status).toBe(401)
      cli.child.kill('SIGTERM')
      expect(await cli.exited).toBe(0)
      expect(cli.output().length).toBeGreaterThan(500)
      expect(leaked(cli.output())).toEqual([])
    } finally {
      cli.child.kill('SIGKILL')
      cli.cleanup()
    }
  })

  it('are not echoed by configuration errors', async () => {
    const cli = run({
      KAFKA_BROKERS: '127.0.0.1:1',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
      KAFKA_SASL_MECHANISM: 'bogus',
      KAFKA_SASL_PASSWORD: SECRETS.sasl,
      DRIFTWATCH_API_TOKENS: `nosuchrole:${SECRETS.ingest}`,
    })
    try {
      expect(await cli.exited).toBe(2)
      expect(cli.output()).toContain('KAFKA_SASL_MECHANISM')
      expect(leaked(cli.output())).toEqual([])
    } finally {
      cli.cleanup()
    }
  })
})
