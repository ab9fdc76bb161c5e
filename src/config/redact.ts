/**
 * A ClickHouse URL fit for logs and output: a password in it (http://user:secret@host, which the
 * client accepts, or a `password` query parameter) is replaced by ***.
 */
export function redactedUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return '(a URL that does not parse)'
  }
  if (u.password) u.password = '***'
  for (const key of [...u.searchParams.keys()]) if (/pass|secret|token|key/i.test(key)) u.searchParams.set(key, '***')
  return u.toString()
}
