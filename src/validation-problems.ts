/**
 * The one way validation problems are written for people: `[file: ]path: message`, one line each,
 * the path dotted (`models.0.window`) or `(root)`, for zod issues and for YAML that does not parse.
 * Pure: config files, the report's model file, alert rule files and the environment all use it.
 */
import { parse } from 'yaml'
import type { z } from 'zod'
import { plainIssueMessage } from './plain-issues.js'

interface Issue {
  readonly path: readonly PropertyKey[]
  readonly message: string
}

/** One line per issue; `source` (a file name) prefixes each when given. */
export function problemLines(issues: readonly Issue[], source?: string): string[] {
  return issues.map((i) => `${source ? `${source}: ` : ''}${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
}

/**
 * The problems of one branch of a union that failed, as one line: `path: message; ...`, paths
 * relative to the union; undefined when that branch has none (or `branch` is -1). A union's own
 * message is "Invalid input": its error callback picks the branch the input meant (by its keys
 * or type) and reports that branch's problems instead.
 */
export function unionBranchProblems(iss: unknown, branch: number): string | undefined {
  const issues = branch < 0 ? undefined : (iss as { errors?: Issue[][] }).errors?.[branch]
  if (!issues?.length) return undefined
  return issues.map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`).join('; ')
}

export type Parsed<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly problems: string[] }

/** YAML text validated by a zod schema; an empty document is `{}`. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, fileName: string): Parsed<z.output<S>> {
  let raw: unknown
  try {
    raw = parse(text) ?? {}
  } catch (e) {
    // The parser's first line names the place and ends with ':' before an excerpt of the file.
    return { ok: false, problems: [`${fileName}: not valid YAML: ${(e as Error).message.split('\n')[0]!.replace(/:\s*$/, '')}`] }
  }
  const parsed = schema.safeParse(raw, { error: plainIssueMessage })
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, problems: problemLines(parsed.error.issues, fileName) }
}
