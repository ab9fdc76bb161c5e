/** lz4js 0.2 ships no types: the calls driftwatch makes (LZ4 frame format). */
declare module 'lz4js' {
  /** Decompresses an LZ4 frame. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array
  /** Decodes one LZ4 block of `sLength` bytes of `src` from `sIndex` into `dst` from `dIndex`; returns where the output ends. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number
  /** Compresses into an LZ4 frame. */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array
}

declare module 'lz4js/xxh32.js' {
  /** xxHash32 of `len` bytes of `src` from `index`. */
  export function hash(seed: number, src: Uint8Array, index: number, len: number): number
}
