import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { parseAlertChannelsEnv, type AlertChannelsConfig } from '../config/alerts-env.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import type { Logger } from '../observability/logger.js'
import { packagePath } from '../package-root.js'
import { parseRuleFile } from '../rules/parse.js'
import type { Store } from '../store/clickhouse.js'
import { createAlertService, warnChannelMismatches } from './create-alert-service.js'
import { BUNDLED_RULES_DIR } from './load-rules.js'

type Warning = { fields: Record<string, unknown>; message: string }

function capture(): { logger: Logger; warnings: Warning[] } {
  const warnings: Warning[] = []
  const logger = { warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }), info: () => {}, error: () => {}, debug: () => {} }
  return { logger: logger as unknown as Logger, warnings }
}

function channelsOf(env: Record<string, string>): AlertChannelsConfig {
  const { config, problems } = parseAlertChannelsEnv(env)
  if (!config) throw new Error(problems.join('\n'))
  return config
}

const BUNDLED = ['concept-drift-detector', 'disparate-impact', 'dlq-rate', 'f1-drop', 'feature-drift-psi']

describe('the alert service at start', () => {
  it('with the docker-compose environment and the default rules, warns once per channel the rules name and it does not configure, naming the rules and what to set', () => {
    // The environment docker-compose.yml gives driftwatch: email only.
    const compose = parse(readFileSync(packagePath('docker-compose.yml'), 'utf8')) as { services: { driftwatch: { environment: Record<string, string> } } }
    const { logger, warnings } = capture()
    createAlertService({ store: { database: 'driftwatch' } as Store, file: DEFAULT_FILE_CONFIG, channels: { ...channelsOf(compose.services.driftwatch.environment), rulesDir: BUNDLED_RULES_DIR }, logger })
    expect(warnings.map((w) => [w.fields['channel'], [...(w.fields['rules'] as string[])].sort()])).toEqual([['slack', BUNDLED], ['grafana', BUNDLED]])
    expect(warnings[0]!.message).toMatch(/^alert channel slack is named by 5 rules \(a rule without channels names all three\) but not configured here: .*stay pending.* Set SLACK_WEBHOOK_URL, or take slack out of the channels of these rules \(a copy of the default rules in a directory of your own, set as DRIFTWATCH_ALERT_RULES\)$/)
    expect(warnings[1]!.message).toContain('Set GRAFANA_URL and GRAFANA_API_TOKEN, or take grafana out')
  })

  it('warns about rules whose email has no recipient, and about a configured channel no rule names', () => {
    const rules = parseRuleFile(
      `rules:\n  - { name: a, metric: drift, condition: { op: '>', threshold: 1 }, channels: [email] }\n` +
        `  - { name: b, metric: drift, condition: { op: '>', threshold: 1 }, channels: [email], emailTo: [ml@example.com] }\n`,
      '/rules/r.yaml',
    )
    const { logger, warnings } = capture()
    warnChannelMismatches(rules, channelsOf({ SMTP_HOST: 'relay', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X' }), '/rules', logger)
    expect(warnings).toEqual([
      { fields: { channel: 'slack' }, message: 'alert channel slack is configured but no alert rule names it in its channels: nothing is sent there' },
      { fields: { channel: 'email', rules: ['a'] }, message: 'alert rules send email but have no recipient here: their emails stay pending for a leader that has one. Set ALERT_EMAIL_TO, or emailTo in these rules' },
    ])
  })

  it('says nothing when every channel the rules name is configured and named', () => {
    const rules = parseRuleFile(`rules:\n  - { name: a, metric: drift, condition: { op: '>', threshold: 1 }, channels: [email] }\n`, '/rules/r.yaml')
    const { logger, warnings } = capture()
    warnChannelMismatches(rules, channelsOf({ SMTP_HOST: 'relay', ALERT_EMAIL_TO: 'oncall@example.com' }), '/rules', logger)
    expect(warnings).toEqual([])
  })
})
