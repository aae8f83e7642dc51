/**
 * Test helper: puts a kinds guest component (unchanged, whatever its string
 * encoding) behind a relay that faces the host with utf8 (or utf16), so that
 * jco's JS glue only ever lifts and lowers strings in an encoding it
 * supports; the guest's own encoding is met inside the component, by the
 * adapters jco generates for calls between components. The composed
 * component, written as WebAssembly text and assembled with jco's `parse`:
 *
 * - imports exactly what the guest imports (the guest's own import
 *   declarations, copied from its text);
 * - an import relay instance: every function import (root `pass-*`
 *   functions, the `sink` resource's functions) relayed;
 * - the guest, nested verbatim, instantiated with the relayed imports;
 * - an export relay instance: every root function the guest exports
 *   relayed, and exported (the `counters` interface is left out: the round
 *   trips do not use it).
 *
 * Relaying a function = lowering it into a core module whose exports only
 * forward their arguments, then lifting those exports again. The two relays
 * are separate component instances because a component instance may not be
 * entered twice: a guest's `relay-*` export calls a `pass-*` import while the
 * relay of that export is still running.
 */
import { parse, print } from '@bytecodealliance/jco';
import { flattenFunction } from '../../src/abi/flatten.js';
import type { Func, Resolve, Type, WorldId } from '../../src/wit/model.js';

/** Where a relay function's results go (memory of the relay, below the heap). */
const EXPORT_RESULTS = 16;
const IMPORT_RESULTS = 512;
const HEAP_START = 1024;

interface Relayed {
  /** Component-level name: `pass-string`, `[method]sink.write`. */
  readonly name: string;
  readonly func: Func;
  /** The function being relayed: an identifier, or an instance and export name. */
  readonly target: string | { readonly instance: string; readonly name: string };
  /** Identifier of the relayed (lifted) function. */
  readonly id: string;
}

export interface RelayInput {
  /** The guest component, e.g. kinds.latin1.component.wasm. */
  readonly guest: Uint8Array;
  readonly resolve: Resolve;
  readonly world: WorldId;
  /** Name of the interface holding the imported `sink` resource, e.g. `witgen:kinds/sinks@0.1.0`. */
  readonly sinksInterface: string;
  /** String encoding of the relay, on both of its sides (utf8 unless given). */
  readonly relayEncoding?: 'utf8' | 'utf16';
}

/** The composed component's WebAssembly text. */
export async function relayedGuestText(input: RelayInput): Promise<string> {
  const guestText = await print(input.guest);
  const lines = guestText.split('\n');
  if (lines[0]?.trim() !== '(component') throw new Error('the guest is not a component');
  const firstCore = lines.findIndex((line) => /^\s*\(core module/.test(line));
  if (firstCore < 0) throw new Error('the guest has no core module');
  // Import declarations (and the types they need) come first in the guest's text.
  const header = lines.slice(1, firstCore).join('\n');
  const body = lines.slice(1).join('\n');

  const world = input.resolve.worlds[input.world];
  if (world === undefined) throw new Error(`no world ${input.world}`);
  const imported: Relayed[] = [];
  const exported: Relayed[] = [];
  for (const entry of world.imports) {
    if (entry.item.kind === 'function') {
      const name = entry.item.func.name;
      imported.push({ name, func: entry.item.func, target: `$${name}`, id: `$relay-import-${name}` });
    }
    if (entry.item.kind === 'interface' && entry.key.kind === 'interface') {
      const iface = input.resolve.interfaces[entry.item.id];
      if (iface === undefined || !isSinks(input, entry.item.id)) continue;
      for (const func of iface.functions.values()) {
        const id = `$relay-import-${func.name.replace(/[[\]]/g, '')}`;
        imported.push({ name: func.name, func, target: { instance: `$${input.sinksInterface}`, name: func.name }, id });
      }
    }
  }
  for (const entry of world.exports) {
    if (entry.item.kind !== 'function') continue;
    const name = entry.item.func.name;
    exported.push({ name, func: entry.item.func, target: `$guest-${name}`, id: `$relay-export-${name}` });
  }

  const types = new WatTypes(input.resolve);
  const encoding = input.relayEncoding ?? 'utf8';
  // The guest's own imports, declared the same way by both relays so that
  // their function types can name the imported types (`$rec`, `$sink`).
  const declared = [...header.matchAll(/^ {2}\(import "([^"]+)" \((instance|func|type) (\$"[^"]+"|\$[^ )]+)/gm)].map(
    ([, name, sort, id]) => ({ name: name ?? '', sort: sort ?? '', id: id ?? '' }),
  );
  const passImports = (relayed: (name: string) => string | null) =>
    declared.map(({ name, sort, id }) => `(with "${name}" (${sort} ${relayed(name) ?? id}))`).join(' ');
  const rootImports = new Set(imported.filter((r) => !r.name.startsWith('[')).map((r) => r.name));
  const sinkFuncs = imported.filter((r) => r.name.startsWith('['));

  return `(component
${header}
  (component $import-relay
${header}
  (alias export $${input.sinksInterface} "sink" (type $sink))
${heapModule()}
${relayInstance('imports', imported, IMPORT_RESULTS, types, encoding)}
${sinksShim(sinkFuncs, types)}
  (instance $relayed-sinks (instantiate $sinks-shim (with "sink" (type $sink)) ${sinkFuncs
    .map((r, k) => `(with "f${k}" (func ${r.id}))`)
    .join(' ')}))
  (export "sinks" (instance $relayed-sinks))
${[...rootImports].map((name) => `  (export "${name}" (func $relay-import-${name}))`).join('\n')})
  (instance $imports (instantiate $import-relay ${passImports(() => null)}))
  (alias export $imports "sinks" (instance $relayed-sinks))
${[...rootImports].map((name) => `  (alias export $imports "${name}" (func $relayed-${name}))`).join('\n')}
  (component $guest-component
${body}
  (instance $guest (instantiate $guest-component ${passImports((name) =>
    name === input.sinksInterface ? '$relayed-sinks' : rootImports.has(name) ? `$relayed-${name}` : null,
  )}))
  (component $export-relay
${header}
${exported.map((r) => `  (import "guest-${r.name}" (func $guest-${r.name} ${types.funcType(r.func)}))`).join('\n')}
${heapModule()}
${relayInstance('exports', exported, EXPORT_RESULTS, types, encoding)}
${exported.map((r) => `  (export "${r.name}" (func ${r.id}))`).join('\n')})
${exported.map((r) => `  (alias export $guest "${r.name}" (func $guest-export-${r.name}))`).join('\n')}
  (instance $exports (instantiate $export-relay ${passImports(() => null)} ${exported
    .map((r) => `(with "guest-${r.name}" (func $guest-export-${r.name}))`)
    .join(' ')}))
${exported.map((r) => `  (alias export $exports "${r.name}" (func $relayed-export-${r.name}))`).join('\n')}
${exported.map((r) => `  (export "${r.name}" (func $relayed-export-${r.name}))`).join('\n')}
)`;
}

/** The composed component, assembled. */
export async function relayedGuest(input: RelayInput): Promise<Uint8Array> {
  return parse(await relayedGuestText(input));
}

/**
 * The relayed sink functions as an instance of the guest's `sinks`
 * interface. A component wraps them (importing the resource type and the
 * functions, exporting them under their interface names) because only
 * exports with a named resource in scope may be called `[constructor]sink`.
 */
function sinksShim(sinkFuncs: readonly Relayed[], types: WatTypes): string {
  const exported = new WatTypes(types.resolve, new Map([['sink', 'sink-exported']]));
  const imports = sinkFuncs.map((r, k) => `    (import "f${k}" (func $f${k} ${types.funcType(r.func)}))`);
  const exports = sinkFuncs.map((r, k) => `    (export "${r.name}" (func $f${k}) (func ${exported.funcType(r.func)}))`);
  return `  (component $sinks-shim
    (import "sink" (type $sink (sub resource)))
${imports.join('\n')}
    (export $sink-exported "sink" (type $sink))
${exports.join('\n')})`;
}

function isSinks(input: RelayInput, id: number): boolean {
  const iface = input.resolve.interfaces[id];
  const pkg = iface?.package === null || iface === undefined ? undefined : input.resolve.packages[iface.package];
  if (pkg === undefined || iface?.name == null) return false;
  const { namespace, name, version } = pkg.name;
  return `${namespace}:${name}/${iface.name}${version === null ? '' : `@${version}`}` === input.sinksInterface;
}

/**
 * The relay's memory and allocator: a bump allocator (blocks are never
 * freed; a test run allocates a few megabytes at most) that grows the
 * memory on demand and keeps a block's contents when it is reallocated.
 */
function heapModule(): string {
  return `  (core module $heap-module
    (memory (export "memory") 1)
    (global $top (mut i32) (i32.const ${HEAP_START}))
    (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
      (local $block i32) (local $end i32)
      (local.set $block
        (i32.and (i32.add (global.get $top) (i32.sub (local.get $align) (i32.const 1)))
                 (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $block) (local.get $size)))
      (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16))) (i32.const 16)) (i32.const 1)))
                      (i32.const -1))
            (then unreachable))))
      (global.set $top (local.get $end))
      (if (i32.ne (local.get $old) (i32.const 0))
        (then
          (memory.copy (local.get $block) (local.get $old)
            (select (local.get $old-size) (local.get $size) (i32.lt_u (local.get $old-size) (local.get $size))))))
      (local.get $block)))
  (core instance $heap (instantiate $heap-module))`;
}

/**
 * Lowers each function into a core module whose exports call it with the
 * same arguments (adding a results pointer where the lowered function takes
 * one, and returning it), then lifts those exports, both with `encoding`.
 */
function relayInstance(
  label: string,
  relayed: readonly Relayed[],
  results: number,
  types: WatTypes,
  encoding: 'utf8' | 'utf16',
): string {
  const options = `(memory (core memory $heap "memory")) (realloc (core func $heap "realloc")) string-encoding=${encoding}`;
  const out: string[] = [];
  relayed.forEach((r, i) => {
    let target = r.target;
    if (typeof target !== 'string') {
      out.push(`  (alias export ${target.instance} "${target.name}" (func $${label}-target-${i}))`);
      target = `$${label}-target-${i}`;
    }
    out.push(`  (core func $${label}-lowered-${i} (canon lower (func ${target}) ${options}))`);
  });
  const imports: string[] = [];
  const funcs: string[] = [];
  relayed.forEach((r, i) => {
    const lowered = flattenFunction(types.resolve, r.func, 'lower');
    const lifted = flattenFunction(types.resolve, r.func, 'lift');
    imports.push(`    (import "target" "${i}" (func $target-${i} ${coreFuncType(lowered.params, lowered.results)}))`);
    const forward = lifted.params.map((_, p) => `(local.get ${p})`);
    if (lowered.resultsIndirect) forward.push(`(i32.const ${results})`);
    const call = `(call $target-${i} ${forward.join(' ')})`;
    const bodyText = lowered.resultsIndirect ? `${call} (i32.const ${results})` : call;
    funcs.push(`    (func (export "${i}") ${coreFuncType(lifted.params, lifted.results)} ${bodyText})`);
  });
  out.push(`  (core module $${label}-relay-module\n${imports.join('\n')}\n${funcs.join('\n')})`);
  const targets = relayed.map((_, i) => `(export "${i}" (func $${label}-lowered-${i}))`).join(' ');
  out.push(`  (core instance $${label}-relay (instantiate $${label}-relay-module (with "target" (instance ${targets}))))`);
  relayed.forEach((r, i) => {
    out.push(`  (func ${r.id} ${types.funcType(r.func)} (canon lift (core func $${label}-relay "${i}") ${options}))`);
  });
  return out.join('\n');
}

function coreFuncType(params: readonly string[], results: readonly string[]): string {
  const p = params.length === 0 ? '' : `(param ${params.join(' ')})`;
  const r = results.length === 0 ? '' : ` (result ${results.join(' ')})`;
  return `${p}${r}`;
}

/**
 * Component-level types in WebAssembly text. Named types refer to the
 * outer component's aliases of the guest's imported types (`$rec`, `$sink`,
 * which the guest's import declarations define), others are written out.
 */
class WatTypes {
  /** `renamed` maps a type's name to the identifier to write instead. */
  constructor(
    readonly resolve: Resolve,
    private readonly renamed: ReadonlyMap<string, string> = new Map(),
  ) {}

  funcType(func: Func): string {
    const params = func.params.map((p) => `(param "${p.name}" ${this.type(p.type)})`).join(' ');
    const result = func.result === null ? '' : ` (result ${this.type(func.result)})`;
    return `${params}${result}`;
  }

  type(type: Type): string {
    if (typeof type === 'string') return type;
    const def = this.resolve.types[type];
    if (def === undefined) throw new Error(`no type ${type}`);
    const kind = def.kind;
    switch (kind.kind) {
      case 'type':
        // `use types.{rec}` in the world: the alias names the interface's type.
        return def.name !== null && typeof kind.type !== 'string' ? this.named(kind.type) : this.type(kind.type);
      case 'record':
      case 'variant':
      case 'enum':
      case 'flags':
      case 'resource':
        return this.named(type);
      case 'handle':
        return `(${kind.handle} ${this.named(kind.resource)})`;
      case 'list':
        return `(list ${this.type(kind.element)})`;
      case 'option':
        return `(option ${this.type(kind.type)})`;
      case 'tuple':
        return `(tuple ${kind.types.map((t) => this.type(t)).join(' ')})`;
      case 'result': {
        const ok = kind.ok === null ? '' : ` ${this.type(kind.ok)}`;
        const err = kind.err === null ? '' : ` (error ${this.type(kind.err)})`;
        return `(result${ok}${err})`;
      }
      default:
        throw new Error(`the relay does not write ${kind.kind} types`);
    }
  }

  private named(id: number): string {
    const def = this.resolve.types[id];
    if (def?.kind.kind === 'type' && typeof def.kind.type !== 'string') return this.named(def.kind.type);
    if (def?.name == null) throw new Error(`type ${id} has no name`);
    return `$${this.renamed.get(def.name) ?? def.name}`;
  }
}
