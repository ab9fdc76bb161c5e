/**
 * Reads the rule files: every *.yaml / *.yml directly in the rule directory (not grafana/,
 * which holds Grafana's own provisioning). The directory is DRIFTWATCH_ALERT_RULES when set
 * (it must exist), else ./alerts when it exists, else the default rules shipped in the package.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { packagePath } from '../package-root.js'
import { DriftwatchError } from '../errors.js'
import { parseRuleFiles, type RuleSet } from '../rules/parse.js'

export const BUNDLED_RULES_DIR = packagePath('alerts')

export function rulesDirectory(configured: string | null, cwd = process.cwd()): string {
  if (configured) {
    if (!existsSync(configured) || !statSync(configured).isDirectory()) {
      throw new DriftwatchError('DW_CONFIG_INVALID', `invalid alert rules:\n  DRIFTWATCH_ALERT_RULES: ${configured} is not a directory`)
    }
    return configured
  }
  const local = resolve(cwd, 'alerts')
  return existsSync(local) && statSync(local).isDirectory() ? local : BUNDLED_RULES_DIR
}

export function loadRules(dir: string): RuleSet {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ name: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }))
  return parseRuleFiles(files)
}
