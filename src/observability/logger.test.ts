import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')

/** Runs a child that logs one line with createLogger, with stdout and stderr piped (not a terminal). */
function logFrom(format: string | null) {
  const script = `import { createLogger } from './src/observability/logger.ts'
const log = createLogger('info', { format: ${format === null ? 'null' : `'${format}'`} })
log.info({ token: 'secret-value', n: 1 }, 'hello')
process.stdout.write('OUTPUT')`
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })
}

describe('createLogger', () => {
  it('writes JSON to stderr when it is not a terminal, leaving stdout to the command', () => {
    const r = logFrom(null)
    expect(r.stdout).toBe('OUTPUT')
    const line = JSON.parse(r.stderr.trim()) as Record<string, unknown>
    expect(line).toMatchObject({ level: 30, msg: 'hello', n: 1, token: '[redacted]', name: 'driftwatch' })
  })

  it('writes human-readable lines when asked, still to stderr and still redacted', () => {
    const r = logFrom('pretty')
    expect(r.stdout).toBe('OUTPUT')
    expect(r.stderr).toMatch(/INFO.*hello/)
    expect(r.stderr).not.toContain('secret-value')
    expect(() => JSON.parse(r.stderr.trim())).toThrow()
  })
})
