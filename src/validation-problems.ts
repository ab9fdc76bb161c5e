/**
 * The one way validation problems are written for people: `[file: ]path: message`, one line each,
 * the path dotted (`models.0.window`) or `(root)`, for zod issues and for YAML that does not parse.
 * Pure: config files, the report's model file, alert rule files and the environment all use it.
 */
import { parse } from 'yaml'
import type { z } from 'zod'

interface Issue {
  readonly path: readonly PropertyKey[]
  readonly message: string
}

/** One line per issue; `source` (a file name) prefixes each when given. */
export function problemLines(issues: readonly Issue[], source?: string): string[] {
  return issues.map((i) => `${source ? `${source}: ` : ''}${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
}

export type Parsed<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly problems: string[] }

/** YAML text validated by a zod schema; an empty document is `{}`. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, fileName: string): Parsed<z.output<S>> {
  let raw: unknown
  try {
    raw = parse(text) ?? {}
  } catch (e) {
    return { ok: false, problems: [`${fileName}: not valid YAML: ${(e as Error).message.split('\n')[0]}`] }
  }
  const parsed = schema.safeParse(raw)
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, problems: problemLines(parsed.error.issues, fileName) }
}
