/**
 * Reads LZ4 frames (the LZ4 Frame Format 1.6.x, lz4/doc/lz4_Frame_format.md), the framing Kafka's
 * lz4 batches use, with lz4js' block decoder. lz4js' own frame reader skips a block checksum
 * before the block's data where the format puts it after, so a frame with block checksums (a
 * producer's lz4 library set so) came out as other bytes, without an error; and it checks no
 * checksum. Here:
 * - the header: magic 0x184D2204, version 01, no reserved bit, a block size of 64 KiB to 4 MiB, an
 *   optional content size (8 bytes) and the header checksum, which is checked; a dictionary id is
 *   refused (Kafka's producers use none);
 * - each block: its size (the high bit: stored uncompressed), its data, then its checksum when
 *   the frame has them (checked: xxHash32 of the block's data as stored); a block cannot run past
 *   the input nor decode to more than the frame's block size;
 * - the end mark, then the content checksum when the frame has one (checked, over the content)
 *   and the content size when given (checked);
 * - frames one after another, and skippable frames (magic 0x184D2A50 to 0x184D2A5F), are read
 *   as the reference tool reads them.
 * Blocks that depend on earlier ones are decoded into one buffer, where their matches reach back.
 * Anything else throws, so a batch is never handed on as other bytes than its producer wrote.
 * Pure.
 */
import lz4 from 'lz4js'
import { hash as xxh32 } from 'lz4js/xxh32.js'

const MAGIC = 0x184d2204
const SKIPPABLE_MIN = 0x184d2a50
const SKIPPABLE_MAX = 0x184d2a5f
const FLG_VERSION_MASK = 0xc0
const FLG_VERSION = 0x40
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_RESERVED = 0x02
const FLG_DICT_ID = 0x01
const UNCOMPRESSED = 0x80000000
const BLOCK_SIZES: Readonly<Record<number, number>> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 }

const fail = (why: string): never => {
  throw new Error(`lz4: ${why}`)
}

function u32(src: Uint8Array, at: number): number {
  if (at + 4 > src.length) fail(`the input ends at byte ${src.length}, inside a 4-byte field at ${at}`)
  return (src[at]! | (src[at + 1]! << 8) | (src[at + 2]! << 16) | (src[at + 3]! << 24)) >>> 0
}

interface Block {
  /** Where its data starts, and how many bytes of it there are. */
  readonly at: number
  readonly stored: number
  /** Stored as is (the size's high bit), not compressed. */
  readonly uncompressed: boolean
}

interface Frame {
  readonly flags: number
  readonly blockSize: number
  readonly contentSize: number | null
  readonly blocks: readonly Block[]
  /** Where its content checksum is (FLG_CONTENT_CHECKSUM), else -1. */
  readonly contentChecksum: number
}

/** The frame at `at`: its header checked, its blocks located. Returns it and where the next one starts. */
function readFrame(src: Uint8Array, at: number): { frame: Frame; next: number } {
  if (at + 7 > src.length) fail(`a frame header at byte ${at} is cut off`)
  const flags = src[at + 4]!
  const bd = src[at + 5]!
  if ((flags & FLG_VERSION_MASK) !== FLG_VERSION) fail(`frame version ${(flags & FLG_VERSION_MASK) >> 6} is not 1`)
  if (flags & FLG_RESERVED || bd & 0x8f) fail('a reserved bit of the frame descriptor is set')
  if (flags & FLG_DICT_ID) fail('a frame compressed with a dictionary cannot be read')
  const blockSize = BLOCK_SIZES[(bd >> 4) & 7] ?? fail(`block size code ${(bd >> 4) & 7} is not one of 4 to 7`)
  let end = at + 6
  let contentSize: number | null = null
  if (flags & FLG_CONTENT_SIZE) {
    const high = u32(src, end + 4)
    if (high >= 0x200000) fail('the content size is over 2^53 bytes')
    contentSize = high * 2 ** 32 + u32(src, end)
    end += 8
  }
  if (end >= src.length) fail(`a frame header at byte ${at} is cut off`)
  const checksum = (xxh32(0, src, at + 4, end - (at + 4)) >>> 8) & 0xff
  if (src[end] !== checksum) fail(`the frame header checksum at byte ${end} does not match`)
  const blocks: Block[] = []
  let next = end + 1
  for (;;) {
    const size = u32(src, next)
    next += 4
    if (size === 0) break
    const stored = size & ~UNCOMPRESSED
    blocks.push({ at: next, stored, uncompressed: (size & UNCOMPRESSED) !== 0 })
    next += stored + (flags & FLG_BLOCK_CHECKSUM ? 4 : 0)
    if (next > src.length) fail(`a block runs past the end of the input (${src.length} bytes)`)
  }
  const contentChecksum = flags & FLG_CONTENT_CHECKSUM ? next : -1
  if (contentChecksum >= 0) next += 4
  if (next > src.length) fail('the content checksum is cut off')
  return { frame: { flags, blockSize, contentSize, blocks, contentChecksum }, next }
}

/** The decompressed content of `src`: one or more LZ4 frames. */
export function lz4FrameDecompress(src: Uint8Array): Uint8Array {
  // The frames located first, to size one output buffer (matches of dependent blocks reach back into it).
  const frames: Frame[] = []
  let bound = 0
  for (let at = 0; at < src.length; ) {
    const magic = u32(src, at)
    if (magic >= SKIPPABLE_MIN && magic <= SKIPPABLE_MAX) {
      at += 8 + u32(src, at + 4)
      continue
    }
    if (magic !== MAGIC) fail(`no LZ4 frame at byte ${at} (magic ${magic.toString(16)})`)
    const { frame, next } = readFrame(src, at)
    for (const b of frame.blocks) bound += b.uncompressed ? b.stored : frame.blockSize
    frames.push(frame)
    at = next
  }
  const out = new Uint8Array(bound)
  let written = 0
  // Then decoded, every checksum and size checked on the way.
  for (const frame of frames) {
    const start = written
    for (const { at, stored, uncompressed } of frame.blocks) {
      if (frame.flags & FLG_BLOCK_CHECKSUM && xxh32(0, src, at, stored) >>> 0 !== u32(src, at + stored)) fail(`the checksum of the block at byte ${at - 4} does not match`)
      if (uncompressed) {
        if (stored > frame.blockSize) fail(`a stored block of ${stored} bytes is over the frame's block size ${frame.blockSize}`)
        out.set(src.subarray(at, at + stored), written)
        written += stored
      } else {
        const before = written
        written = lz4.decompressBlock(src, out, at, stored, written)
        if (!(written >= before && written - before <= frame.blockSize)) fail(`the block at byte ${at - 4} decodes to more than the frame's block size ${frame.blockSize}`)
      }
    }
    if (frame.contentChecksum >= 0 && xxh32(0, out, start, written - start) >>> 0 !== u32(src, frame.contentChecksum)) fail('the content checksum does not match')
    if (frame.contentSize !== null && frame.contentSize !== written - start) fail(`the frame holds ${written - start} bytes where its header says ${frame.contentSize}`)
  }
  return out.subarray(0, written)
}
