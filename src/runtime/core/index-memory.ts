/** Public API of guest memory access and struct codecs (wired into src/index.ts by the lead). */
export { GuestMemory, checkAddress, type WasmMemory } from './memory.js';
export { MemoryAccessError, type MemoryAccessErrorCode } from './memory-errors.js';
export { firstInvalidUtf8 } from './utf8.js';
export {
  arrayCodec,
  arrayView,
  bytesCodec,
  cCodecs,
  codecOfC,
  guestPointer,
  recordCodec,
  scalarCodec,
  structCodec,
  witCodec,
  StructCodecError,
  type ArrayView,
  type BytesView,
  type CValue,
  type Codec,
  type PointerRef,
  type Ref,
  type StructCodec,
  type StructCodecErrorCode,
  type StructField,
  type StructFields,
  type StructView,
  type StructViewMembers,
} from './struct.js';
