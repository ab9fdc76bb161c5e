import lz4 from 'lz4js'
import { hash } from 'lz4js/xxh32.js'
import { describe, expect, it } from 'vitest'
import fixture from '../../scripts/reference/fixtures/lz4-frames.json' with { type: 'json' }
import { lz4FrameDecompress } from './lz4-frame.js'

const b64 = (s: string) => Buffer.from(s, 'base64')
const content = b64(fixture.content)
const frameOf = (name: string) => b64(fixture.cases.find((c) => c.name === name)!.frame)

describe('LZ4 frames (liblz4 through python-lz4, scripts/reference/lz4_frames.py)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('reads the frame written with %s', (_, c) => {
    const expected = 'content' in c && c.content ? b64(c.content) : content
    expect(Buffer.from(lz4FrameDecompress(b64(c.frame))).equals(expected)).toBe(true)
  })

  it("lz4js' own frame reader turns a frame with block checksums into other bytes, without an error", () => {
    const read = Buffer.from(lz4.decompress(frameOf('block_checksum')))
    expect(read.equals(content)).toBe(false)
  })

  it('refuses a frame whose block, content or header checksum does not match, or that is cut off', () => {
    const flip = (name: string, at: (f: Buffer) => number) => {
      const f = Buffer.from(frameOf(name))
      f[at(f)]! ^= 0x01
      return f
    }
    expect(() => lz4FrameDecompress(flip('block_checksum', () => 200))).toThrow(/checksum of the block/)
    expect(() => lz4FrameDecompress(flip('content_checksum', (f) => f.length - 2))).toThrow(/content checksum does not match/)
    expect(() => lz4FrameDecompress(flip('default', () => 6))).toThrow(/header checksum/)
    expect(() => lz4FrameDecompress(frameOf('default').subarray(0, 1000))).toThrow(/runs past the end|ends at byte/)
    expect(() => lz4FrameDecompress(Buffer.from('not lz4 at all'))).toThrow(/no LZ4 frame/)
  })

  it('refuses a frame that needs a dictionary, and a content size that does not match', () => {
    const withDict = Buffer.from(frameOf('default'))
    withDict[4]! |= 0x01
    expect(() => lz4FrameDecompress(withDict)).toThrow(/dictionary/)
    const sized = Buffer.from(frameOf('all_checksums_and_size'))
    // The content size (8 bytes after FLG and BD) one larger, the header checksum written anew.
    sized.writeUInt32LE(sized.readUInt32LE(6) + 1, 6)
    sized[14] = (hash(0, sized, 4, 10) >>> 8) & 0xff
    expect(() => lz4FrameDecompress(sized)).toThrow(/its header says/)
  })
})
