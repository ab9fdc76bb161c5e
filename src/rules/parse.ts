/**
 * Parses and validates rule files. Pure: the caller reads the files. Every problem is reported
 * as `<file>: <path>: <reason>`, all of them at once, as DW_CONFIG_INVALID (exit 2).
 */
import { DriftwatchError } from '../errors.js'
import { parseYamlWith } from '../validation-problems.js'
import { RuleFileSchema, type FileSilence, type Rule } from './schema.js'
import { pushAll } from '../arrays.js'

export interface RuleSet {
  readonly rules: readonly Rule[]
  readonly silences: readonly FileSilence[]
  /** Which file each rule came from, by rule name. */
  readonly sources: ReadonlyMap<string, string>
}

interface Parsed {
  readonly rules: Rule[]
  readonly silences: FileSilence[]
  readonly problems: string[]
}

function parseOne(text: string, fileName: string): Parsed {
  const parsed = parseYamlWith(RuleFileSchema, text, fileName)
  return parsed.ok ? { ...parsed.data, problems: [] } : { rules: [], silences: [], problems: parsed.problems }
}

/** Validates several files together: rule names are unique across them. */
export function parseRuleFiles(files: readonly { readonly name: string; readonly text: string }[]): RuleSet {
  const problems: string[] = []
  const rules: Rule[] = []
  const silences: FileSilence[] = []
  const sources = new Map<string, string>()
  for (const f of files) {
    const p = parseOne(f.text, f.name)
    pushAll(problems, p.problems)
    p.rules.forEach((r, i) => {
      const first = sources.get(r.name)
      if (first !== undefined) problems.push(`${f.name}: rules.${i}.name: rule "${r.name}" is already defined in ${first}`)
      else sources.set(r.name, f.name)
      rules.push(r)
    })
    pushAll(silences, p.silences)
  }
  if (problems.length) {
    throw new DriftwatchError('DW_CONFIG_INVALID', `invalid alert rules:\n  ${problems.join('\n  ')}`, { problems })
  }
  return { rules, silences, sources }
}

export function parseRuleFile(text: string, fileName: string): RuleSet {
  return parseRuleFiles([{ name: fileName, text }])
}
