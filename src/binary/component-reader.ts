/**
 * The component binary as the runtime needs it: every section of a component
 * (core modules, core instances, core types, nested components, instances,
 * aliases, types, canonical functions, start, imports, exports), read in
 * order into the component's index spaces.
 *
 * Types are decoded with component-types.ts's `TypeDecoder` into one
 * `ComponentTypes` arena, so type identity follows the component model's
 * rules; the runtime items (core instances, canonical functions, aliases of
 * core exports) are kept as definitions that refer to earlier indexes.
 *
 * An instance made by instantiating a nested component is resolved here
 * when the nested component only forwards what it imports (the
 * "shim components" wit-component writes to give an exported interface its
 * type): its exports become references to the instantiation's arguments.
 * Any other construct the runtime cannot run (a nested component with its
 * own code, async canonical built-ins, a start function, values) is read
 * past and listed in `unsupported` with the reason.
 */
import {
  ComponentTypes,
  TypeDecoder,
  addEntity,
  externName,
  newScope,
  optionalFlag,
  readSort,
  type Entity,
  type Scope,
  type Sort,
  type TypeId,
} from './component-types.js';
import { BinaryError, ByteReader } from './reader.js';
import { typeSubstitution } from './type-substitution.js';

export type CoreSort = 'func' | 'table' | 'memory' | 'global' | 'tag';
export type StringEncodingOption = 'utf8' | 'utf16' | 'latin1+utf16';

export interface CanonOptions {
  readonly encoding: StringEncodingOption;
  /** Core memory index, or null. */
  readonly memory: number | null;
  /** Core function indexes, or null. */
  readonly realloc: number | null;
  readonly postReturn: number | null;
  readonly async: boolean;
  readonly callback: number | null;
}

export type CoreInstanceDef =
  | { readonly kind: 'instantiate'; readonly module: number; readonly args: readonly { readonly name: string; readonly instance: number }[] }
  | { readonly kind: 'exports'; readonly exports: readonly { readonly name: string; readonly sort: CoreSort; readonly index: number }[] };

/** An item of a core index space other than instances: an export of a core instance, or (funcs) a canonical function. */
export type CoreItemDef =
  | { readonly kind: 'alias'; readonly instance: number; readonly name: string }
  | { readonly kind: 'lower'; readonly func: number; readonly options: CanonOptions }
  | { readonly kind: 'resource.new' | 'resource.rep' | 'resource.drop'; readonly type: TypeId }
  /** A canonical built-in the runtime does not implement (async, streams, threads...). */
  | { readonly kind: 'unsupported'; readonly what: string };

/** A component function. */
export type FuncDef =
  /** Provided from outside: a top-level import (`instance` null) or an export of an imported instance. */
  | { readonly kind: 'import'; readonly instance: string | null; readonly name: string; readonly type: TypeId }
  | { readonly kind: 'lift'; readonly coreFunc: number; readonly options: CanonOptions; readonly type: TypeId }
  | { readonly kind: 'unsupported'; readonly what: string };

export interface InstanceItem {
  readonly name: string;
  readonly sort: Sort;
  /** Index in this component's index space of `sort` (-1 for a type given by `type`). */
  readonly index: number;
  /**
   * Sort `type`: a type a forwarding nested component defines itself (a value
   * type), by arena id, with no runtime item. Sort `func`: the function type
   * the instance gives the function (the nested export's, substituted), when
   * it is not the type of function `index`.
   */
  readonly type?: TypeId;
}

export type InstanceDef =
  | { readonly kind: 'import'; readonly name: string; readonly type: TypeId }
  /** Made from exports (inline, or a forwarding nested component resolved to its arguments). */
  | { readonly kind: 'exports'; readonly items: readonly InstanceItem[]; readonly type: TypeId }
  | { readonly kind: 'unsupported'; readonly what: string; readonly type: TypeId };

/** Where a type of the type index space came from, for mapping resources to names. */
export type TypeOrigin =
  | { readonly kind: 'defined' }
  | { readonly kind: 'import'; readonly name: string }
  | { readonly kind: 'instance-export'; readonly instance: number; readonly name: string }
  | { readonly kind: 'export'; readonly name: string };

export interface ComponentImportDef {
  readonly name: string;
  readonly entity: Entity;
  readonly offset: number;
}

export interface ComponentExportDef {
  readonly name: string;
  readonly sort: Sort;
  readonly index: number;
  /** The type the export is ascribed (`(export "f" (func 3) (func (type 7)))`), which is the export's type; null without one. */
  readonly ascribed: Entity | null;
  readonly offset: number;
}

export interface ParsedComponent {
  readonly types: ComponentTypes;
  /** Core module binaries (views into the component's bytes). */
  readonly modules: Uint8Array[];
  readonly coreInstances: CoreInstanceDef[];
  readonly coreFuncs: CoreItemDef[];
  readonly coreMemories: CoreItemDef[];
  readonly coreTables: CoreItemDef[];
  readonly coreGlobals: CoreItemDef[];
  readonly funcs: FuncDef[];
  /** Function type (arena id) of each function. */
  readonly funcTypes: TypeId[];
  readonly instances: InstanceDef[];
  readonly components: ParsedComponent[];
  /** The type index space (arena ids) and where each entry came from. */
  readonly typeSpace: readonly TypeId[];
  readonly typeOrigins: TypeOrigin[];
  readonly imports: ComponentImportDef[];
  readonly exports: ComponentExportDef[];
  /** Constructs the runtime does not run, with their offsets. */
  readonly unsupported: { readonly what: string; readonly offset: number }[];
}

const COMPONENT_PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

const CORE_SORT_CODES: Readonly<Record<number, CoreSort>> = { 0x00: 'func', 0x01: 'table', 0x02: 'memory', 0x03: 'global', 0x04: 'tag' };

const CANON_RESOURCE: Readonly<Record<number, 'resource.new' | 'resource.drop' | 'resource.rep'>> = {
  0x02: 'resource.new',
  0x03: 'resource.drop',
  0x04: 'resource.rep',
};

/** Names of canonical built-ins by opcode (for messages about unsupported ones). */
const CANON_NAMES: Readonly<Record<number, string>> = {
  0x05: 'thread.spawn_ref',
  0x06: 'thread.available_parallelism',
  0x07: 'resource.drop async',
  0x08: 'backpressure.set',
  0x09: 'task.return',
  0x0a: 'context.get/set',
  0x0b: 'yield',
  0x0c: 'subtask.cancel',
  0x0d: 'subtask.drop',
  0x0e: 'stream.new',
  0x0f: 'stream.read',
  0x10: 'stream.write',
  0x11: 'stream.cancel-read',
  0x12: 'stream.cancel-write',
  0x13: 'stream.drop-readable',
  0x14: 'stream.drop-writable',
  0x15: 'future.new',
  0x16: 'future.read',
  0x17: 'future.write',
  0x18: 'future.cancel-read',
  0x19: 'future.cancel-write',
  0x1a: 'future.drop-readable',
  0x1b: 'future.drop-writable',
  0x1c: 'error-context.new',
  0x1d: 'error-context.debug-message',
  0x1e: 'error-context.drop',
  0x1f: 'waitable-set.new',
  0x20: 'waitable-set.wait',
  0x21: 'waitable-set.poll',
  0x22: 'waitable-set.drop',
  0x23: 'waitable.join',
  0x24: 'backpressure.inc/dec',
  0x25: 'backpressure.inc/dec',
  0x26: 'thread.index',
};

function malformed(message: string, offset: number): BinaryError {
  return new BinaryError('BINARY_MALFORMED', message, offset);
}

function pick<T>(space: readonly T[], index: number, what: string, offset: number): T {
  const item = space[index];
  if (item === undefined) throw malformed(`${what} index ${index} out of bounds (${space.length} defined)`, offset);
  return item;
}

/** True when `bytes` start like a component binary (magic, version 0x0d, layer 1). */
export function isComponent(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && COMPONENT_PREAMBLE.every((b, i) => bytes[i] === b);
}

/** True when `bytes` start like a core module (magic, version 1). */
export function isCoreModule(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00].every((b, i) => bytes[i] === b);
}

/** Reads a whole component binary. Throws BinaryError for malformed input. */
export function readComponent(bytes: Uint8Array): ParsedComponent {
  if (!isComponent(bytes)) {
    const magic = bytes.length >= 4 && [0x00, 0x61, 0x73, 0x6d].every((b, i) => bytes[i] === b);
    throw new BinaryError(
      magic ? 'BINARY_VERSION' : 'BINARY_MAGIC',
      magic ? 'not a component binary (a core module or an unknown version)' : 'not a WebAssembly binary',
      magic ? 4 : 0,
    );
  }
  const types = new ComponentTypes();
  const reader = new SectionReader(bytes, types, new TypeDecoder(types), []);
  return reader.read(8, bytes.length);
}

/** Reads the sections of one component (outermost or nested) into its index spaces. */
class SectionReader {
  private readonly scope: Scope = newScope();
  private readonly out: ParsedComponent;

  constructor(
    private readonly bytes: Uint8Array,
    types: ComponentTypes,
    private readonly decoder: TypeDecoder,
    /** Enclosing components' scopes, outermost first. */
    private readonly outer: Scope[],
  ) {
    this.out = {
      types,
      modules: [],
      coreInstances: [],
      coreFuncs: [],
      coreMemories: [],
      coreTables: [],
      coreGlobals: [],
      funcs: [],
      funcTypes: [],
      instances: [],
      components: [],
      typeSpace: this.scope.types,
      typeOrigins: [],
      imports: [],
      exports: [],
      unsupported: [],
    };
  }

  private get scopes(): Scope[] {
    return [...this.outer, this.scope];
  }

  read(start: number, end: number): ParsedComponent {
    const r = new ByteReader(this.bytes, start, end);
    while (!r.done) {
      const sectionStart = r.pos;
      const id = r.byte();
      const size = r.u32();
      if (r.pos + size > end) throw new BinaryError('BINARY_TRUNCATED', `section ${id} runs past the end of the binary`, sectionStart);
      const s = new ByteReader(this.bytes, r.pos, r.pos + size);
      this.section(id, s, sectionStart);
      if (s.pos !== s.end) throw malformed(`section ${id} has ${s.end - s.pos} unread bytes`, s.pos);
      r.pos += size;
    }
    return this.out;
  }

  private section(id: number, s: ByteReader, offset: number): void {
    const count = (): number => (id === 1 || id === 4 || id === 0 || id === 9 ? 1 : s.u32());
    switch (id) {
      case 0:
        s.pos = s.end;
        return;
      case 1:
        this.out.modules.push(this.bytes.subarray(s.pos, s.end));
        this.scope.modules.push(this.out.types.add({ kind: 'core' }));
        s.pos = s.end;
        return;
      case 4: {
        // A nested component: its own preamble, then sections; it sees this component's scopes.
        for (let i = 0; i < 8; i++) if (s.byte() !== COMPONENT_PREAMBLE[i]) throw malformed('nested component has a bad preamble', s.pos - 1);
        const nested = new SectionReader(this.bytes, this.out.types, this.decoder, this.scopes).read(s.pos, s.end);
        this.out.components.push(nested);
        this.scope.components.push(this.out.types.add({ kind: 'core' }));
        s.pos = s.end;
        return;
      }
      case 9:
        this.out.unsupported.push({ what: 'a component start function', offset });
        s.pos = s.end;
        return;
      case 12:
        this.out.unsupported.push({ what: 'component values', offset });
        s.pos = s.end;
        return;
    }
    for (let n = count(); n > 0; n--) {
      switch (id) {
        case 2:
          this.coreInstance(s);
          break;
        case 3:
          this.scope.coreTypes.push(this.decoder.coreType(s));
          break;
        case 5:
          this.instance(s);
          break;
        case 6:
          this.alias(s);
          break;
        case 7:
          this.scope.types.push(this.decoder.type(s, this.scopes));
          this.out.typeOrigins.push({ kind: 'defined' });
          break;
        case 8:
          this.canon(s);
          break;
        case 10:
          this.import(s);
          break;
        case 11:
          this.export(s);
          break;
        default:
          throw malformed(`unknown component section id ${id}`, offset);
      }
    }
  }

  private coreSort(s: ByteReader): CoreSort | 'type' | 'module' | 'instance' {
    const at = s.pos;
    const code = s.byte();
    if (code === 0x10) return 'type';
    if (code === 0x11) return 'module';
    if (code === 0x12) return 'instance';
    const sort = CORE_SORT_CODES[code];
    if (sort === undefined) throw malformed(`unknown core sort 0x${code.toString(16)}`, at);
    return sort;
  }

  private coreInstance(s: ByteReader): void {
    const at = s.pos;
    const form = s.byte();
    if (form === 0x00) {
      const moduleAt = s.pos;
      const module = s.u32();
      pick(this.out.modules, module, 'core module', moduleAt);
      const args: { name: string; instance: number }[] = [];
      for (let n = s.u32(); n > 0; n--) {
        const name = s.name();
        const sortAt = s.pos;
        if (s.byte() !== 0x12) throw malformed('core instantiation arguments must be instances', sortAt);
        const instAt = s.pos;
        const instance = s.u32();
        pick(this.out.coreInstances, instance, 'core instance', instAt);
        args.push({ name, instance });
      }
      this.out.coreInstances.push({ kind: 'instantiate', module, args });
      return;
    }
    if (form === 0x01) {
      const exports: { name: string; sort: CoreSort; index: number }[] = [];
      for (let n = s.u32(); n > 0; n--) {
        const name = s.name();
        const sortAt = s.pos;
        const sort = this.coreSort(s);
        if (sort === 'type' || sort === 'module' || sort === 'instance') throw malformed(`core instances cannot export a ${sort}`, sortAt);
        const index = s.u32();
        pick(this.coreSpace(sort), index, `core ${sort}`, sortAt);
        exports.push({ name, sort, index });
      }
      this.out.coreInstances.push({ kind: 'exports', exports });
      return;
    }
    throw malformed(`bad core instance form 0x${form.toString(16)}`, at);
  }

  private coreSpace(sort: CoreSort): CoreItemDef[] {
    switch (sort) {
      case 'func':
        return this.out.coreFuncs;
      case 'memory':
        return this.out.coreMemories;
      case 'table':
        return this.out.coreTables;
      case 'global':
        return this.out.coreGlobals;
      case 'tag':
        this.out.unsupported.push({ what: 'core exception tags', offset: 0 });
        return [];
    }
  }

  private instance(s: ByteReader): void {
    const at = s.pos;
    const form = s.byte();
    if (form === 0x01) {
      const items: InstanceItem[] = [];
      for (let n = s.u32(); n > 0; n--) {
        const name = externName(s);
        const sortAt = s.pos;
        const sort = readSort(s);
        const index = s.u32();
        this.checkIndex(sort, index, sortAt);
        items.push({ name, sort, index });
      }
      this.addInstance({ kind: 'exports', items, type: this.instanceType(items) });
      return;
    }
    if (form !== 0x00) throw malformed(`bad instance form 0x${form.toString(16)}`, at);
    const compAt = s.pos;
    const component = pick(this.out.components, s.u32(), 'component', compAt);
    const args = new Map<string, InstanceItem>();
    for (let n = s.u32(); n > 0; n--) {
      const name = s.name();
      const sortAt = s.pos;
      const sort = readSort(s);
      const index = s.u32();
      this.checkIndex(sort, index, sortAt);
      args.set(name, { name, sort, index });
    }
    const forwarded = forwardedExports(component, args, this.out.types, (item) => this.entityOf(item.sort, item.index));
    if (typeof forwarded === 'string') {
      this.out.unsupported.push({ what: forwarded, offset: at });
      this.addInstance({ kind: 'unsupported', what: forwarded, type: this.out.types.add({ kind: 'instance', exports: new Map() }) });
      return;
    }
    this.addInstance({ kind: 'exports', items: forwarded, type: this.instanceType(forwarded) });
  }

  private addInstance(def: InstanceDef): void {
    this.out.instances.push(def);
    this.scope.instances.push(def.type);
  }

  /** The instance type of an instance made of `items` (for aliases of its exports and for the world). */
  private instanceType(items: readonly InstanceItem[]): TypeId {
    const exports = new Map<string, Entity>();
    for (const item of items) {
      let entity = this.entityOf(item.sort, item.index);
      if (item.type !== undefined) {
        entity = item.sort === 'func' ? { kind: 'func', type: item.type } : { kind: 'type', referenced: item.type, created: item.type };
      }
      if (entity !== null) exports.set(item.name, entity);
    }
    return this.out.types.add({ kind: 'instance', exports });
  }

  /** The type-level entity of item `index` of `sort`, or null for sorts without one (core items). */
  entityOf(sort: Sort, index: number): Entity | null {
    switch (sort) {
      case 'func':
        return { kind: 'func', type: this.out.funcTypes[index] as TypeId };
      case 'type': {
        const id = this.scope.types[index] as TypeId;
        return { kind: 'type', referenced: id, created: id };
      }
      case 'instance':
        return { kind: 'instance', type: this.scope.instances[index] as TypeId };
      case 'component':
        return { kind: 'component', type: this.scope.components[index] as TypeId };
      default:
        return null;
    }
  }

  private checkIndex(sort: Sort, index: number, at: number): void {
    const sizes: Partial<Record<Sort, number>> = {
      func: this.out.funcs.length,
      type: this.scope.types.length,
      instance: this.out.instances.length,
      component: this.out.components.length,
      'core-module': this.out.modules.length,
      'core-instance': this.out.coreInstances.length,
      'core-func': this.out.coreFuncs.length,
      'core-memory': this.out.coreMemories.length,
      'core-table': this.out.coreTables.length,
      'core-global': this.out.coreGlobals.length,
      value: this.scope.values.length,
    };
    const size = sizes[sort];
    if (size !== undefined && index >= size) throw malformed(`${sort} index ${index} out of bounds (${size} defined)`, at);
  }

  private alias(s: ByteReader): void {
    const start = s.pos;
    const sort = readSort(s);
    const target = s.byte();
    if (target === 0x01) {
      const instAt = s.pos;
      const instance = s.u32();
      pick(this.out.coreInstances, instance, 'core instance', instAt);
      const name = s.name();
      const core = sort.startsWith('core-') ? (sort.slice(5) as CoreSort | 'type' | 'module' | 'instance') : null;
      if (core === null || core === 'type' || core === 'module' || core === 'instance') {
        throw malformed(`core export aliases of ${sort} are not supported`, start);
      }
      this.coreSpace(core).push({ kind: 'alias', instance, name });
      return;
    }
    if (target === 0x00) {
      const instAt = s.pos;
      const instanceIndex = s.u32();
      const name = s.name();
      const instance = pick(this.out.instances, instanceIndex, 'instance', instAt);
      if (instance.kind === 'unsupported') {
        this.placeholder(sort, instance.what);
        return;
      }
      // Let the type decoder add the entity to the scope's type-level spaces, then mirror it.
      s.pos = start;
      this.decoder.alias(s, this.scopes);
      this.mirrorAlias(sort, instance, instanceIndex, name, start);
      return;
    }
    if (target === 0x02) {
      s.pos = start;
      this.decoder.alias(s, this.scopes);
      if (sort === 'type') this.out.typeOrigins.push({ kind: 'defined' });
      else if (sort === 'core-module' || sort === 'component') {
        this.out.unsupported.push({ what: `an outer alias of a ${sort}`, offset: start });
      }
      return;
    }
    throw malformed(`bad alias target 0x${target.toString(16)}`, start);
  }

  /**
   * An export of an instance the runtime cannot make (already listed as
   * unsupported): a stand-in keeps the index spaces aligned so the rest of
   * the binary can still be read.
   */
  private placeholder(sort: Sort, what: string): void {
    const types = this.out.types;
    switch (sort) {
      case 'func': {
        const type = types.add({ kind: 'func', async: false, params: [], result: null });
        this.scope.funcs.push(type);
        this.out.funcTypes.push(type);
        this.out.funcs.push({ kind: 'unsupported', what });
        return;
      }
      case 'type':
        this.scope.types.push(types.add({ kind: 'resource', destructor: null }));
        this.out.typeOrigins.push({ kind: 'defined' });
        return;
      case 'instance': {
        const type = types.add({ kind: 'instance', exports: new Map() });
        this.scope.instances.push(type);
        this.out.instances.push({ kind: 'unsupported', what, type });
        return;
      }
      case 'component':
        this.scope.components.push(types.add({ kind: 'core' }));
        return;
      default:
        return;
    }
  }

  /** Records in the runtime index spaces what an alias of an instance export added. */
  private mirrorAlias(sort: Sort, instance: InstanceDef, instanceIndex: number, name: string, at: number): void {
    switch (sort) {
      case 'type':
        this.out.typeOrigins.push({ kind: 'instance-export', instance: instanceIndex, name });
        return;
      case 'func': {
        const type = this.scope.funcs[this.scope.funcs.length - 1] as TypeId;
        this.out.funcTypes.push(type);
        if (instance.kind === 'import') this.out.funcs.push({ kind: 'import', instance: instance.name, name, type });
        else if (instance.kind === 'exports') {
          const item = instance.items.find((i) => i.name === name);
          if (item === undefined || item.sort !== 'func') throw malformed(`instance has no function export \`${name}\``, at);
          this.out.funcs.push(this.out.funcs[item.index] as FuncDef);
        } else this.out.funcs.push({ kind: 'unsupported', what: instance.what });
        return;
      }
      case 'instance': {
        const type = this.scope.instances[this.scope.instances.length - 1] as TypeId;
        if (instance.kind === 'exports') {
          const item = instance.items.find((i) => i.name === name);
          const target = item === undefined ? undefined : this.out.instances[item.index];
          if (target === undefined) throw malformed(`instance has no instance export \`${name}\``, at);
          this.out.instances.push(target);
        } else {
          const what = 'instances exported by imported instances';
          this.out.unsupported.push({ what, offset: at });
          this.out.instances.push({ kind: 'unsupported', what, type });
        }
        return;
      }
      default:
        this.out.unsupported.push({ what: `aliases of ${sort} exports`, offset: at });
    }
  }

  private options(s: ByteReader): CanonOptions {
    let encoding: StringEncodingOption = 'utf8';
    let memory: number | null = null;
    let realloc: number | null = null;
    let postReturn: number | null = null;
    let async = false;
    let callback: number | null = null;
    for (let n = s.u32(); n > 0; n--) {
      const at = s.pos;
      const code = s.byte();
      switch (code) {
        case 0x00:
          encoding = 'utf8';
          break;
        case 0x01:
          encoding = 'utf16';
          break;
        case 0x02:
          encoding = 'latin1+utf16';
          break;
        case 0x03:
          memory = s.u32();
          pick(this.out.coreMemories, memory, 'core memory', at + 1);
          break;
        case 0x04:
          realloc = s.u32();
          pick(this.out.coreFuncs, realloc, 'core func', at + 1);
          break;
        case 0x05:
          postReturn = s.u32();
          pick(this.out.coreFuncs, postReturn, 'core func', at + 1);
          break;
        case 0x06:
          async = true;
          break;
        case 0x07:
          callback = s.u32();
          break;
        default:
          throw malformed(`unknown canonical option 0x${code.toString(16)}`, at);
      }
    }
    return { encoding, memory, realloc, postReturn, async, callback };
  }

  private canon(s: ByteReader): void {
    const at = s.pos;
    const code = s.byte();
    if (code === 0x00) {
      if (s.byte() !== 0x00) throw malformed('canon lift must lift a core function', at + 1);
      const fAt = s.pos;
      const coreFunc = s.u32();
      pick(this.out.coreFuncs, coreFunc, 'core func', fAt);
      const options = this.options(s);
      const tAt = s.pos;
      const type = pick(this.scope.types, s.u32(), 'type', tAt);
      if (this.out.types.definition(type).kind !== 'func') throw malformed('canon lift with a type that is not a function type', tAt);
      if (options.async) this.out.unsupported.push({ what: 'async lift (canon lift async)', offset: at });
      this.out.funcs.push({ kind: 'lift', coreFunc, options, type });
      this.out.funcTypes.push(type);
      this.scope.funcs.push(type);
      return;
    }
    if (code === 0x01) {
      if (s.byte() !== 0x00) throw malformed('canon lower must lower a function', at + 1);
      const fAt = s.pos;
      const func = s.u32();
      pick(this.out.funcs, func, 'func', fAt);
      const options = this.options(s);
      if (options.async) this.out.unsupported.push({ what: 'async lower (canon lower async)', offset: at });
      this.out.coreFuncs.push({ kind: 'lower', func, options });
      return;
    }
    const resource = CANON_RESOURCE[code];
    if (resource !== undefined) {
      const tAt = s.pos;
      const type = pick(this.scope.types, s.u32(), 'type', tAt);
      if (this.out.types.definition(type).kind !== 'resource') throw malformed(`canon ${resource} of a type that is not a resource`, tAt);
      this.out.coreFuncs.push({ kind: resource, type });
      return;
    }
    // Built-ins beyond the sync MVP: their immediates differ, so none of them can be skipped safely.
    const what = CANON_NAMES[code] ?? `canonical built-in 0x${code.toString(16)}`;
    throw new UnsupportedEncoding(`the canonical built-in \`${what}\``, at);
  }

  private import(s: ByteReader): void {
    const offset = s.pos;
    const name = externName(s);
    const entity = this.decoder.externDesc(s, this.scopes);
    addEntity(this.scope, entity);
    this.out.imports.push({ name, entity, offset });
    switch (entity.kind) {
      case 'func':
        this.out.funcs.push({ kind: 'import', instance: null, name, type: entity.type });
        this.out.funcTypes.push(entity.type);
        return;
      case 'instance':
        this.out.instances.push({ kind: 'import', name, type: entity.type });
        return;
      case 'type':
        this.out.typeOrigins.push({ kind: 'import', name });
        return;
      case 'component':
        this.out.unsupported.push({ what: 'component imports', offset });
        return;
      case 'module':
        this.out.unsupported.push({ what: 'core module imports', offset });
        return;
      case 'value':
        this.out.unsupported.push({ what: 'value imports', offset });
        return;
    }
  }

  private export(s: ByteReader): void {
    const offset = s.pos;
    const name = externName(s);
    const sortAt = s.pos;
    const sort = readSort(s);
    const index = s.u32();
    this.checkIndex(sort, index, sortAt);
    let ascribed: Entity | null = null;
    if (optionalFlag(s)) ascribed = this.decoder.externDesc(s, this.scopes);
    this.out.exports.push({ name, sort, index, ascribed, offset });
    // An export adds a new item to its sort's index space (of the ascribed type, when there is one).
    switch (sort) {
      case 'func': {
        const type = ascribed?.kind === 'func' ? ascribed.type : (this.out.funcTypes[index] as TypeId);
        this.out.funcs.push(this.out.funcs[index] as FuncDef);
        this.out.funcTypes.push(type);
        this.scope.funcs.push(type);
        return;
      }
      case 'instance':
        this.out.instances.push(this.out.instances[index] as InstanceDef);
        this.scope.instances.push(this.scope.instances[index] as TypeId);
        return;
      case 'type': {
        const created = ascribed?.kind === 'type' ? ascribed.created : (this.scope.types[index] as TypeId);
        this.scope.types.push(created);
        this.out.typeOrigins.push({ kind: 'export', name });
        return;
      }
      case 'component':
        this.scope.components.push(this.scope.components[index] as TypeId);
        this.out.components.push(this.out.components[index] as ParsedComponent);
        return;
      default:
        this.out.unsupported.push({ what: `exports of ${sort}`, offset });
    }
  }
}

/**
 * A construct whose encoding this reader does not know, so the rest of the
 * binary cannot be read past it (async and thread built-ins). The runtime
 * treats it like an unsupported construct.
 */
export class UnsupportedEncoding extends Error {
  override readonly name = 'UnsupportedEncoding';
  readonly code = 'COMPONENT_UNSUPPORTED_ENCODING';

  constructor(
    readonly what: string,
    readonly offset: number,
  ) {
    super(`${what} at offset ${offset} is not supported`);
  }
}

/**
 * The exports of `component` instantiated with `args`, when the component
 * only forwards its imports (exports name imported items directly): each
 * export becomes the argument it forwards, typed as the component exports
 * it with its type imports replaced by the type arguments (type-substitution.ts).
 * `outerEntity` gives the entity of an argument in the instantiating
 * component. Returns the reason the component is not a forwarder otherwise.
 */
function forwardedExports(
  component: ParsedComponent,
  args: ReadonlyMap<string, InstanceItem>,
  types: ComponentTypes,
  outerEntity: (item: InstanceItem) => Entity | null,
): InstanceItem[] | string {
  if (component.modules.length > 0 || component.coreInstances.length > 0 || component.coreFuncs.length > 0) {
    return 'a nested component with its own core modules or canonical functions';
  }
  if (component.unsupported.length > 0) return `a nested component using ${component.unsupported[0]?.what ?? 'unsupported features'}`;
  // The import (by name) behind each func/type/instance index of the nested component.
  const importOf = (sort: Sort, index: number): string | null => {
    let seen = 0;
    for (const imp of component.imports) {
      const impSort: Sort = imp.entity.kind === 'module' ? 'core-module' : imp.entity.kind;
      if (impSort !== sort) continue;
      if (seen === index) return imp.name;
      seen++;
    }
    return null;
  };
  // Each type import (the id it introduced) stands for the type given for it.
  const mapping = new Map<TypeId, TypeId>();
  for (const imp of component.imports) {
    if (imp.entity.kind !== 'type') continue;
    const arg = args.get(imp.name);
    const given = arg === undefined ? null : outerEntity(arg);
    if (given?.kind === 'type') mapping.set(imp.entity.created, given.created);
  }
  const substitute = typeSubstitution(types, mapping);
  const out: InstanceItem[] = [];
  for (const exp of component.exports) {
    let source: string | null = null;
    if (exp.sort === 'func') {
      const def = component.funcs[exp.index];
      if (def?.kind === 'import' && def.instance === null) source = def.name;
    } else if (exp.sort === 'type') {
      const origin = component.typeOrigins[exp.index];
      if (origin?.kind === 'import') source = origin.name;
      else {
        // A value type the nested component defines (e.g. `type c = option<a>`): no runtime item, only its type.
        const type = component.typeSpace[exp.index];
        if (type !== undefined && component.types.definition(type).kind === 'defined') {
          out.push({ name: exp.name, sort: 'type', index: -1, type: substitute(type) });
          continue;
        }
      }
    } else if (exp.sort === 'instance') {
      source = importOf('instance', exp.index);
    }
    if (source === null) return `a nested component whose export \`${exp.name}\` is not one of its imports`;
    const arg = args.get(source);
    if (arg === undefined) return `a nested component instantiated without its import \`${source}\``;
    if (exp.sort === 'func' && arg.sort === 'func') {
      // The function keeps its runtime item; its type is the one the nested component exports it with.
      const declared = exp.ascribed?.kind === 'func' ? exp.ascribed.type : (component.funcTypes[exp.index] as TypeId);
      out.push({ name: exp.name, sort: 'func', index: arg.index, type: substitute(declared) });
      continue;
    }
    out.push({ name: exp.name, sort: arg.sort, index: arg.index });
  }
  return out;
}
