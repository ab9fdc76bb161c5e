import { describe, expect, it } from 'vitest'
import { hostPortProblem, urlProblem } from './env-values.js'

describe('hostPortProblem', () => {
  it('accepts host:port with a port from 1 to 65535', () => {
    for (const ok of ['localhost:9092', 'kafka-1.internal:1', '10.0.0.7:65535']) expect(hostPortProblem(ok), ok).toBeNull()
  })

  it('refuses port 0, a port above 65535, an empty host or port, a non-numeric port and no port, naming the entry', () => {
    expect(hostPortProblem('localhost:0')).toBe('"localhost:0": the port 0 is out of range (1 to 65535)')
    expect(hostPortProblem('localhost:99999')).toBe('"localhost:99999": the port 99999 is out of range (1 to 65535)')
    expect(hostPortProblem(':9092')).toBe('":9092" has no host (write host:port, like localhost:9092)')
    expect(hostPortProblem('kafka:')).toBe('"kafka:" has no port (write host:port, like localhost:9092)')
    expect(hostPortProblem('kafka:90a')).toBe('"kafka:90a": the port "90a" is not a number')
    expect(hostPortProblem('kafka')).toBe('"kafka" is not host:port (like localhost:9092)')
    expect(hostPortProblem('PLAINTEXT://kafka:9092')).toBe('"PLAINTEXT://kafka:9092" is not host:port (like localhost:9092)')
  })
})

describe('urlProblem', () => {
  const http = ['http', 'https']
  it('accepts http(s) URLs with a host and a port in range, IPv6 included', () => {
    for (const ok of ['http://localhost:8123', 'https://ch.example.com/', 'http://u:p@h:1/x', 'http://[::1]:65535', 'http://h:']) expect(urlProblem(ok, http), ok).toBeNull()
  })

  it('says which part is wrong: port 0 or above 65535, a port that is no number, the scheme, no scheme, no host, no URL', () => {
    expect(urlProblem('http://h:0', http)).toBe('its port 0 is out of range (1 to 65535)')
    expect(urlProblem('http://h:99999', http)).toBe('its port 99999 is out of range (1 to 65535)')
    expect(urlProblem('http://h:80a', http)).toBe('its port "80a" is not a number')
    expect(urlProblem('ftp://h', http)).toBe('its scheme is "ftp:"')
    expect(urlProblem('localhost:8123', http)).toBe('it has no scheme: write it before the host')
    expect(urlProblem('http:/h', http)).toBe('"http:" is not followed by //host')
    expect(urlProblem('http://', http)).not.toBeNull()
    expect(urlProblem('http://exa mple', http)).toBe('it does not parse as a URL')
  })

  it('reads the host after the last @ of the credentials, as URL parsers do: a user that is an e-mail address, a password with an @', () => {
    for (const ok of ['smtp://alerts@example.com:app-password@smtp.example.com:587', 'https://svc@corp.example:pw@registry.example.com:8081/apis', 'http://u:p@ss@h:1/x']) {
      expect(urlProblem(ok, ['http', 'https', 'smtp']), ok).toBeNull()
    }
    expect(urlProblem('smtp://alerts@example.com:pw@smtp.example.com:99999', ['smtp'])).toBe('its port is out of range (1 to 65535)')
  })

  it('never shows what reads as the port when the URL holds credentials', () => {
    for (const bad of ['http://user:pa/S3CRET@h', 'http://user:S3CRET@h:99999', 'http://user:99999/345@h']) {
      const problem = urlProblem(bad, ['http', 'smtp'])
      expect(problem, bad).not.toBeNull()
      expect(problem, bad).not.toMatch(/S3CRET|345|99999/)
    }
  })
})
