import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')

/** What a terminal obeys and JSON.stringify leaves raw: DEL, C1 controls, bidi embeddings, overrides and isolates. */
const TERMINAL_CONTROL = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** A string as a JavaScript literal of printable ASCII, so a child's source holds the characters as escapes. */
const literal = (s: string) => JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/**
 * Runs a child that logs with createLogger, with stdout and stderr piped (not a terminal): one line
 * by default, or the statements given (`log` is the logger). With `terminal`, stderr claims to be a
 * terminal and the clock stands at the epoch, in UTC, so pretty lines are the same on every run.
 */
function logFrom(format: string | null, statements = "log.info({ token: 'secret-value', n: 1 }, 'hello')", { terminal = false } = {}) {
  const script = `import { createLogger } from './src/observability/logger.ts'
${terminal ? "Object.defineProperty(process.stderr, 'isTTY', { value: true })\nDate.now = () => 0" : ''}
const log = createLogger('info', { format: ${format === null ? 'null' : `'${format}'`} })
${statements}
process.stdout.write('OUTPUT')`
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })
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

  it('escapes DEL, C1 controls and bidi overrides and isolates in its JSON lines, which parse back to the same strings', () => {
    // Producers' names as they reach a log line: a C1 CSI that recolours, a right-to-left override,
    // an isolate, DEL, and an ESC (which JSON.stringify escapes itself), in the message, in values,
    // in a key, nested, and through a child logger.
    const model = 'loan\u009b31m\u202eapproval\u007f'
    const feature = 'inc\u2066ome\u0085\u001b[2J'
    const message = `dead letter of ${model}: feature ${feature}`
    const r = logFrom('json', [
      `log.warn({ model: ${literal(model)}, features: { ${literal(feature)}: [${literal(feature)}] } }, ${literal(message)})`,
      `log.child({ model: ${literal(model)} }).info(${literal(feature)})`,
    ].join('\n'))
    expect(r.status).toBe(0)
    expect(r.stderr).not.toMatch(TERMINAL_CONTROL)
    expect(r.stderr).toContain('"model":"loan\\u009b31m\\u202eapproval\\u007f"')
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ level: 40, msg: message, model, features: { [feature]: [feature] } })
    expect(lines[1]).toMatchObject({ level: 30, msg: feature, model })
  })

  it('escapes DEL, C1 controls and bidi overrides and isolates in its pretty lines: messages, values, keys, bindings and errors', () => {
    const model = 'loan\u009b31m\u202eapproval\u007f'
    const feature = 'inc\u2066ome\u0085'
    const r = logFrom('pretty', [
      `log.warn({ model: ${literal(model)}, features: { ${literal(feature)}: [${literal(feature)}] } }, ${literal(`dead letter of ${model}`)})`,
      `log.child({ model: ${literal(model)} }).info({ ${literal(feature)}: 2 }, ${literal(feature)})`,
      `log.error({ err: new Error(${literal(`bad ${model}`)}) }, 'failed')`,
    ].join('\n'))
    expect(r.status).toBe(0)
    expect(r.stderr).not.toMatch(TERMINAL_CONTROL)
    const shown = { model: 'loan\\u009b31m\\u202eapproval\\u007f', feature: 'inc\\u2066ome\\u0085' }
    expect(r.stderr).toContain(`WARN (driftwatch): dead letter of ${shown.model}\n    model: "${shown.model}"\n    features: {\n      "${shown.feature}": [\n        "${shown.feature}"\n      ]\n    }\n`)
    expect(r.stderr).toContain(`INFO (driftwatch): ${shown.feature}\n    model: "${shown.model}"\n    ${shown.feature}: 2\n`)
    expect(r.stderr).toContain(`    Error: bad ${shown.model}\n`)
  })

  it('keeps the colours and line breaks of its pretty lines on a terminal, escaping only what a terminal would obey', () => {
    const r = logFrom(null, `log.info({ model: ${literal('a\u202eb\u009b31m')}, n: 1, path: 'C:\\\\x' }, ${literal('größe 😀\nsecond line')})`, { terminal: true })
    expect(r.stdout).toBe('OUTPUT')
    const colour = (code: number, text: string) => `\u001b[${code}m${text}\u001b[39m`
    expect(r.stderr).toBe(
      `[00:00:00.000] ${colour(32, 'INFO')} (driftwatch): ${colour(36, 'größe 😀\nsecond line')}\n` +
        `    ${colour(35, 'model')}: "a\\u202eb\\u009b31m"\n    ${colour(35, 'n')}: 1\n    ${colour(35, 'path')}: "C:\\x"\n`,
    )
  })

  it('leaves a line without such characters as pino writes it, backslashes and written escapes included', () => {
    const model = 'credit risk ünö 😀 中文'
    const path = 'C:\\x\\u202e'
    const r = logFrom('json', `log.info({ model: ${literal(model)}, path: ${literal(path)} }, 'größe')`)
    expect(r.stderr).toContain(`"model":${JSON.stringify(model)},"path":${JSON.stringify(path)},"msg":"größe"}\n`)
  })
})
