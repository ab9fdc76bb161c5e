/**
 * Messages for the zod issues a schema leaves to zod's defaults, in the words of the settings
 * rather than of zod: `expected one of accept, reject, got "maybe"` for zod's `Invalid option:
 * expected one of "accept"|"reject"`, `expected a number >= 1024, got 10` for `Too small: expected
 * number to be >=1024`, `unknown key "windw" (did you mean window?)` for `Unrecognized key:
 * "windw"`. A message a schema writes itself always wins (zod consults this map last).
 *
 * Passed to safeParse as its error map (`schema.safeParse(value, { error: plainIssueMessage })`)
 * by the configuration (driftwatch.yaml, the environment), and by parseYamlWith
 * (./validation-problems.ts) for every YAML file checked against a schema: alert rule files and
 * the report's model file. Pure.
 */

/** The fields of zod's issues this map reads (zod 4's raw issue, loosely typed). */
interface RawIssue {
  readonly code?: string
  readonly input?: unknown
  readonly expected?: string
  readonly values?: readonly unknown[]
  readonly origin?: string
  readonly minimum?: number | bigint
  readonly maximum?: number | bigint
  readonly inclusive?: boolean
  readonly keys?: readonly string[]
  readonly format?: string
  readonly inst?: unknown
}

/** A value as a problem shows it: `null`, `5`, `"hourly"`, `a list`, `a map with the key(s) id`. */
export function shownValue(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (Array.isArray(v)) return v.length ? 'a list' : 'an empty list'
  if (typeof v === 'object') {
    const keys = Object.keys(v)
    return keys.length ? `a map with the key(s) ${keys.slice(0, 5).join(', ')}` : 'an empty map'
  }
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v)
  return String(v)
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a text value',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map of settings',
  array: 'a list',
  record: 'a map',
}

const plain = (v: unknown) => (typeof v === 'string' && /^[\w.:/*+-]+$/.test(v) ? v : JSON.stringify(v))

/** Levenshtein distance, for the nearest known key to a misspelt one. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1))
    row = next
  }
  return row[b.length]!
}

/** The keys an object schema knows (zod 4 keeps its shape on `_zod.def.shape`). */
function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: unknown } } } | undefined)?._zod?.def?.shape
  return typeof shape === 'object' && shape !== null ? Object.keys(shape) : []
}

function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  const named = keys.map((k) => {
    const near = known.map((c) => ({ c, d: distance(k, c) })).filter(({ d }) => d <= Math.max(1, Math.floor(k.length / 3))).sort((x, y) => x.d - y.d)[0]
    return `"${k}"${near ? ` (did you mean ${near.c}?)` : ''}`
  })
  const allowed = known.length > 0 ? `; the keys here are ${known.join(', ')}` : ''
  return `unknown key${keys.length > 1 ? 's' : ''} ${named.join(', ')}${allowed}`
}

function bound(iss: RawIssue, side: 'min' | 'max'): string | undefined {
  const limit = side === 'min' ? iss.minimum : iss.maximum
  if (limit === undefined) return undefined
  const op = side === 'min' ? (iss.inclusive === false ? '>' : '>=') : iss.inclusive === false ? '<' : '<='
  const got = shownValue(iss.input)
  switch (iss.origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return `expected ${iss.origin === 'number' ? 'a number' : 'a whole number'} ${op} ${String(limit)}, got ${got}`
    case 'string':
      return side === 'min' && Number(limit) === 1 ? 'must not be empty' : `expected ${side === 'min' ? 'at least' : 'at most'} ${String(limit)} characters, got ${String((iss.input as string).length)}`
    case 'array':
    case 'set':
      return side === 'min' && Number(limit) === 1 ? 'must not be an empty list' : `expected ${side === 'min' ? 'at least' : 'at most'} ${String(limit)} items, got ${String((iss.input as unknown[]).length)}`
    default:
      return undefined
  }
}

/** A plain message for the issue; undefined leaves zod's. */
export function plainIssueMessage(issue: unknown): string | undefined {
  const iss = issue as RawIssue
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required'
      return `expected ${TYPE_NAMES[iss.expected ?? ''] ?? iss.expected}, got ${shownValue(iss.input)}`
    case 'invalid_value': {
      const values = iss.values ?? []
      return `expected ${values.length === 1 ? plain(values[0]) : `one of ${values.map(plain).join(', ')}`}, got ${shownValue(iss.input)}`
    }
    case 'too_small':
      return bound(iss, 'min')
    case 'too_big':
      return bound(iss, 'max')
    case 'unrecognized_keys':
      return unknownKeys(iss.keys ?? [], knownKeys(iss.inst))
    case 'invalid_format':
      return `expected ${iss.format === 'email' ? 'an email address' : iss.format === 'url' ? 'a URL' : `a value of the format ${iss.format}`}, got ${shownValue(iss.input)}`
    default:
      return undefined
  }
}
