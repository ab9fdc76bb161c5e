import { describe, expect, it } from 'vitest'
import { registryErrorText } from './client.js'

describe('registryErrorText', () => {
  it("leaves out the '[object Object]' the registry client writes for a JSON body without a message", () => {
    // As the client's ResponseError words an answer whose body is an object without `message`.
    const e = Object.assign(new Error(`Confluent_Schema_Registry - Error, status 404: ${String({ error_code: 404 })}`), { status: 404 })
    expect(registryErrorText(e)).toBe('Confluent_Schema_Registry - Error, status 404')
    expect(registryErrorText(new Error('Confluent_Schema_Registry - Schema being registered is incompatible'))).toBe('Confluent_Schema_Registry - Schema being registered is incompatible')
  })
})
