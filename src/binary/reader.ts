/**
 * A minimal reader of core WebAssembly module binaries: the type, import,
 * function and export sections, i.e. what is needed to know every imported
 * and exported function's name and signature. Other sections are skipped by
 * their declared size.
 */

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | 'ref';

export interface FuncType {
  readonly params: ValueType[];
  readonly results: ValueType[];
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface ModuleImport {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternKind;
  /** Type index, for function and tag imports. */
  readonly typeIndex: number | null;
}

export interface ModuleExport {
  readonly name: string;
  readonly kind: ExternKind;
  readonly index: number;
}

export interface CoreModuleInfo {
  readonly types: FuncType[];
  readonly imports: ModuleImport[];
  /** Type index of each function defined in the module (after imported functions). */
  readonly functions: number[];
  readonly exports: ModuleExport[];
}

export type BinaryErrorCode = 'BINARY_MAGIC' | 'BINARY_VERSION' | 'BINARY_TRUNCATED' | 'BINARY_MALFORMED';

export class BinaryError extends Error {
  override readonly name = 'BinaryError';
  readonly code: BinaryErrorCode;
  /** Byte offset in the binary where reading failed. */
  readonly offset: number;

  constructor(code: BinaryErrorCode, message: string, offset: number) {
    super(`${message} (at byte offset ${offset})`);
    this.code = code;
    this.offset = offset;
  }
}

const EXTERN_KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

/** A cursor over bytes with LEB128 and name decoding. */
export class ByteReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  byte(): number {
    if (this.pos >= this.end) throw new BinaryError('BINARY_TRUNCATED', 'unexpected end of binary', this.pos);
    return this.bytes[this.pos++] as number;
  }

  /** Unsigned LEB128 of at most 32 bits. */
  u32(): number {
    const start = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new BinaryError('BINARY_MALFORMED', 'u32 out of range', start);
        return result;
      }
    }
    throw new BinaryError('BINARY_MALFORMED', 'LEB128 u32 too long', start);
  }

  /** Unsigned LEB128 of at most 64 bits, as a bigint (memory64 limits). */
  u64(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new BinaryError('BINARY_MALFORMED', 'LEB128 u64 too long', start);
  }

  /** Signed LEB128 of at most 33 bits (heap type indexes). */
  s33(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) {
        if (b & 0x40) result -= 2 ** shift;
        return result;
      }
      if (shift >= 35) throw new BinaryError('BINARY_MALFORMED', 'LEB128 s33 too long', start);
    }
  }

  bytesOf(length: number): Uint8Array {
    if (this.pos + length > this.end) {
      throw new BinaryError('BINARY_TRUNCATED', 'unexpected end of binary', this.pos);
    }
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }

  name(): string {
    const start = this.pos;
    const raw = this.bytesOf(this.u32());
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new BinaryError('BINARY_MALFORMED', 'name is not valid UTF-8', start);
    }
  }
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * `readCoreModule`, with a failure turned into `fail(why)`: `why` says in
 * words why the bytes are not a core module (a component is named as such),
 * for commands that take a core module as input.
 */
export function readCoreModuleOr(bytes: Uint8Array, fail: (why: string) => never): CoreModuleInfo {
  let info: CoreModuleInfo;
  try {
    info = readCoreModule(bytes);
  } catch (error) {
    if (error instanceof BinaryError) {
      fail(error.code === 'BINARY_VERSION' ? 'it is not a core module (already a component?)' : error.message);
    }
    throw error;
  }
  // The reader checks structure only; the engine checks the code, with a clearer message than the
  // validation error wasm-tools would give later.
  const engine = (globalThis as unknown as { WebAssembly: EngineValidation }).WebAssembly;
  if (!engine.validate(bytes)) {
    let reason = 'the engine refuses it';
    try {
      new engine.Module(bytes);
    } catch (error) {
      reason = (error as Error).message.replace(/^WebAssembly\.Module\(\): /, '');
    }
    fail(`it is not valid WebAssembly: ${reason}`);
  }
  return info;
}

/** The part of the WebAssembly JS API that validates a module (this layer has no WebAssembly typings). */
interface EngineValidation {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => unknown;
}

/** Reads the function-related sections of a core module. */
export function readCoreModule(bytes: Uint8Array): CoreModuleInfo {
  const r = new ByteReader(bytes);
  for (const expected of WASM_MAGIC) {
    if (r.byte() !== expected) throw new BinaryError('BINARY_MAGIC', 'not a WebAssembly binary', 0);
  }
  const version = r.bytesOf(4);
  // Core modules are version 1, layer 0; components use another version/layer.
  if (version[0] !== 1 || version[1] !== 0 || version[2] !== 0 || version[3] !== 0) {
    throw new BinaryError('BINARY_VERSION', 'not a core module (a component or unknown version)', 4);
  }
  const info: CoreModuleInfo = { types: [], imports: [], functions: [], exports: [] };
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const section = new ByteReader(bytes, r.pos, r.pos + size);
    if (section.end > bytes.length) {
      throw new BinaryError('BINARY_TRUNCATED', `section ${id} runs past the end`, r.pos);
    }
    switch (id) {
      case 1:
        readTypeSection(section, info.types);
        break;
      case 2:
        readImportSection(section, info.imports);
        break;
      case 3:
        for (let n = section.u32(); n > 0; n--) info.functions.push(section.u32());
        break;
      case 7:
        readExportSection(section, info.exports);
        break;
      default:
        break;
    }
    r.pos += size;
  }
  return info;
}

/** The type of function `index` in the module's function index space (imports first). */
export function functionType(info: CoreModuleInfo, index: number): FuncType {
  const imported = info.imports.filter((i) => i.kind === 'func');
  const typeIndex =
    index < imported.length ? imported[index]?.typeIndex : info.functions[index - imported.length];
  const type = typeIndex === undefined || typeIndex === null ? undefined : info.types[typeIndex];
  if (type === undefined) throw new BinaryError('BINARY_MALFORMED', `no type for function ${index}`, 0);
  return type;
}

function readTypeSection(r: ByteReader, out: FuncType[]): void {
  for (let n = r.u32(); n > 0; n--) {
    const start = r.pos;
    const form = r.byte();
    if (form !== 0x60) {
      // GC proposal forms (rec groups, struct/array types) are beyond this reader.
      throw new BinaryError('BINARY_MALFORMED', `unsupported type form 0x${form.toString(16)}`, start);
    }
    const params = readValueTypes(r);
    const results = readValueTypes(r);
    out.push({ params, results });
  }
}

function readValueTypes(r: ByteReader): ValueType[] {
  const types: ValueType[] = [];
  for (let n = r.u32(); n > 0; n--) types.push(readValueType(r));
  return types;
}

function readValueType(r: ByteReader): ValueType {
  const start = r.pos;
  const code = r.byte();
  switch (code) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x70:
      return 'funcref';
    case 0x6f:
      return 'externref';
    case 0x63:
    case 0x64:
      r.s33();
      return 'ref';
    default:
      throw new BinaryError('BINARY_MALFORMED', `unknown value type 0x${code.toString(16)}`, start);
  }
}

function readLimits(r: ByteReader): void {
  const start = r.pos;
  const flags = r.byte();
  if (flags > 0x07) throw new BinaryError('BINARY_MALFORMED', `bad limits flags 0x${flags.toString(16)}`, start);
  const is64 = (flags & 0x04) !== 0;
  const read = (): unknown => (is64 ? r.u64() : r.u32());
  read();
  if (flags & 0x01) read();
}

function readImportSection(r: ByteReader, out: ModuleImport[]): void {
  for (let n = r.u32(); n > 0; n--) {
    const module = r.name();
    const name = r.name();
    const start = r.pos;
    const kindByte = r.byte();
    const kind = EXTERN_KINDS[kindByte];
    let typeIndex: number | null = null;
    switch (kind) {
      case 'func':
        typeIndex = r.u32();
        break;
      case 'table':
        readValueType(r);
        readLimits(r);
        break;
      case 'memory':
        readLimits(r);
        break;
      case 'global':
        readValueType(r);
        r.byte();
        break;
      case 'tag':
        r.byte();
        typeIndex = r.u32();
        break;
      default:
        throw new BinaryError('BINARY_MALFORMED', `unknown import kind 0x${kindByte.toString(16)}`, start);
    }
    out.push({ module, name, kind, typeIndex });
  }
}

function readExportSection(r: ByteReader, out: ModuleExport[]): void {
  for (let n = r.u32(); n > 0; n--) {
    const name = r.name();
    const start = r.pos;
    const kindByte = r.byte();
    const kind = EXTERN_KINDS[kindByte];
    if (kind === undefined) {
      throw new BinaryError('BINARY_MALFORMED', `unknown export kind 0x${kindByte.toString(16)}`, start);
    }
    out.push({ name, kind, index: r.u32() });
  }
}
