/**
 * A CLI failure is one line on stderr (./main.ts): a message with a list in it (one problem per
 * line) is joined into `a; b; c`, and a long one is cut (a header row of a binary file, say).
 */
export function oneLine(text: string, max = 600): string {
  const line = text.trim().replace(/:\s*[\r\n]+\s*/g, ': ').replace(/\s*[\r\n]+\s*/g, '; ')
  return line.length > max ? `${line.slice(0, max)}...` : line
}

interface Failure {
  readonly code: string
  readonly message: string
  readonly context: Readonly<Record<string, unknown>>
}

/**
 * What follows `driftwatch: <CODE>: ` for a known error. One line, as oneLine makes it, except an
 * invalid configuration that lists several problems (context.problems, the lines `config
 * validate` prints): joined and cut, a file with twelve bad windows would show four and end
 * mid-word. So its first line is followed by every problem on a line of its own, in full. A
 * message whose first line is no heading (`--from: ...; --to: ...`) gets the count as one.
 */
export function failureText(e: Failure): string {
  const problems = e.context['problems']
  const listed = e.code === 'DW_CONFIG_INVALID' && Array.isArray(problems) && problems.every((p) => typeof p === 'string') ? (problems as string[]) : []
  if (listed.length < 2) return oneLine(e.message, listed.length === 1 ? Infinity : undefined)
  const [first = '', ...rest] = e.message.trim().split(/\r?\n/)
  const heading = rest.length > 0 ? first.trim() : `${listed.length} problems:`
  return [heading, ...listed.map((p) => `  ${oneLine(p, Infinity)}`)].join('\n')
}
