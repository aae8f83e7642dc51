/** Public API of guest memory access and struct codecs (wired into src/index.ts by the lead). */
export { GuestMemory, checkAddress, type WasmMemory } from './memory.js';
export { MemoryAccessError, type MemoryAccessErrorCode } from './memory-errors.js';
export { firstInvalidUtf8 } from './utf8.js';
export {
  arrayCodec,
  arrayView,
  bytesCodec,
  cCodecs,
  scalarCodec,
  type AccessibleScalar,
  type ArrayView,
  type BytesView,
  type CValue,
  type Codec,
  type PointerRef,
  type Ref,
} from './codecs.js';
export {
  codecOfC,
  structCodec,
  type StructCodec,
  type StructField,
  type StructFields,
  type StructView,
  type StructViewMembers,
} from './struct.js';
export { recordCodec, witCodec, StructCodecError, type StructCodecErrorCode } from './wit-codec.js';
