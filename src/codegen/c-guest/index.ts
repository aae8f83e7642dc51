/**
 * `generateCGuest`: the C glue of a world for a guest written in C, following
 * wit-bindgen's C generator conventions (names, types, ownership), so that C
 * written against wit-bindgen's `<world>.h` compiles against this one.
 *
 * The output is `<world>.h` and `<world>.c`. The component-type metadata is
 * not part of them: `witgen build` embeds it from the WIT when it wraps the
 * compiled core module into a component.
 */
import type { Func, Resolve, TypeId, WorldEntry, WorldId } from '../../wit/model.js';
import { CodeWriter } from '../writer.js';
import { CGuestContext, type GuestImplementation, type Scope } from './context.js';
import { CGuestError } from './errors.js';
import { useErrorContext, type BuiltinImport } from './async-types.js';
import { borrowScopeRuntime } from './borrow-scope.js';
import { bitcastHelpers } from './flat.js';
import { generateExport, generateImport } from './functions.js';
import { writeLegacyAliases } from './legacy-names.js';
import { LiveTypes } from './live-types.js';
import { shoutyCase, worldKeyName } from './names.js';
import { defineTypes } from './types.js';

export { CGuestError, type CGuestErrorCode } from './errors.js';
export type { GuestImplementation } from './context.js';
export type { BuiltinImport } from './async-types.js';

export interface CGuestOptions {
  /**
   * `utf8` (default) or `utf16` (strings hold `uint16_t` code units and the
   * helpers take `char16_t` text), as wit-bindgen's C generator offers;
   * anything else fails with CGUEST_OPTION.
   */
  readonly stringEncoding?: 'utf8' | 'utf16';
  /** `--rename K=V`: use prefix V for the world entry named K (`ns:pkg/iface@v` or a plain name). */
  readonly renames?: Readonly<Record<string, string>>;
  /** `--rename-world`: the world's name in C names and file names. */
  readonly worldName?: string;
  /**
   * `--autodrop-borrows`, accepted as wit-bindgen accepts it. The glue is the
   * same either way: export adapters drop, after the guest's function returns,
   * the borrows of imported resources in their arguments that the guest did
   * not drop itself (see borrow-scope.ts).
   */
  readonly autodropBorrows?: boolean;
}

export interface CGuestFiles {
  /** File name (`<world>.h`, `<world>.c`) → contents. */
  readonly files: ReadonlyMap<string, string>;
  readonly headerName: string;
  readonly sourceName: string;
  /** The C functions the guest author must write, e.g. to scaffold an implementation. */
  readonly guestImplements: readonly GuestImplementation[];
  /** Canonical built-ins the glue imports (futures, streams, waitable sets, error contexts). */
  readonly builtinImports: readonly BuiltinImport[];
}

/** Generates the C glue of world `worldId`. Throws CGuestError for what C cannot express yet. */
export function generateCGuest(resolve: Resolve, worldId: WorldId, options: CGuestOptions = {}): CGuestFiles {
  const encoding: string = options.stringEncoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'utf16') {
    throw new CGuestError(
      'CGUEST_OPTION',
      `string encoding \`${encoding}\` is not supported by the C guest generator; use utf8 or utf16`,
    );
  }
  const ctx = new CGuestContext(
    resolve,
    worldId,
    encoding,
    new Map(Object.entries(options.renames ?? {})),
    options.worldName,
    options.autodropBorrows ?? false,
  );
  checkRenames(ctx);
  generateWorld(ctx);
  const snake = ctx.worldSnake;
  const headerName = `${snake}.h`;
  const sourceName = `${snake}.c`;
  // The source first: the header's compatibility macros must not rename anything it uses.
  const source = renderSource(ctx, headerName);
  const header = renderHeader(ctx, source);
  return {
    files: new Map([
      [headerName, header],
      [sourceName, source],
    ]),
    headerName,
    sourceName,
    guestImplements: ctx.guestImplements,
    builtinImports: ctx.builtinImports,
  };
}

/** A rename must name an import or export of the world. */
function checkRenames(ctx: CGuestContext): void {
  const names = new Set([...ctx.world.imports, ...ctx.world.exports].map((e) => worldKeyName(ctx.resolve, e.key)));
  for (const from of ctx.renames.keys()) {
    if (!names.has(from)) {
      throw new CGuestError(
        'CGUEST_OPTION',
        `cannot rename \`${from}\`: the world imports or exports no interface of that name (it has: ${[...names].join(', ')})`,
      );
    }
  }
}

function generateWorld(ctx: CGuestContext): void {
  const { world } = ctx;
  const worldFuncs: Func[] = [];
  const worldTypes: TypeId[] = [];
  for (const entry of world.imports) {
    if (entry.item.kind === 'interface') generateInterface(ctx, entry, false);
    else if (entry.item.kind === 'function') worldFuncs.push(entry.item.func);
    else worldTypes.push(entry.item.id);
  }
  if (worldTypes.length > 0) {
    const scope = ctx.scopeFor(null, false);
    const live = new LiveTypes(ctx.resolve, () => `world \`${world.name}\``);
    for (const id of worldTypes) live.addTypeId(id);
    defineTypes(ctx, scope, live.order);
  }
  if (worldFuncs.length > 0) generateFunctions(ctx, ctx.scopeFor(null, false), worldFuncs, `Imported Functions from \`${world.name}\``);

  forgetTypesRedefinedByExports(ctx);

  const exportedFuncs: Func[] = [];
  for (const entry of world.exports) {
    if (entry.item.kind === 'interface') generateInterface(ctx, entry, true);
    else if (entry.item.kind === 'function') exportedFuncs.push(entry.item.func);
  }
  if (exportedFuncs.length > 0) generateFunctions(ctx, ctx.scopeFor(null, true), exportedFuncs, `Exported Functions from \`${world.name}\``);
  if (ctx.usesErrorContext) useErrorContext(ctx);
}

function generateInterface(ctx: CGuestContext, entry: WorldEntry, exported: boolean): void {
  if (entry.item.kind !== 'interface') return;
  const id = entry.item.id;
  const iface = ctx.resolve.interfaces[id];
  if (iface === undefined) throw new Error(`interface id ${id} is not in the Resolve`);
  const scope = ctx.scopeFor(entry.key, exported);
  const label = worldKeyName(ctx.resolve, entry.key);
  const live = new LiveTypes(ctx.resolve, () => `${exported ? 'export' : 'import'} \`${label}\``);
  for (const typeId of iface.types.values()) live.addTypeId(typeId);
  for (const func of iface.functions.values()) live.addFunction(func);
  defineTypes(ctx, scope, live.order);
  const funcs = [...iface.functions.values()];
  if (funcs.length > 0) generateFunctions(ctx, scope, funcs, `${exported ? 'Exported' : 'Imported'} Functions from \`${label}\``);
}

function generateFunctions(ctx: CGuestContext, scope: Scope, funcs: readonly Func[], heading: string): void {
  const live = new LiveTypes(ctx.resolve, () => heading.replace(/^.* from /, ''));
  for (const func of funcs) live.addFunction(func);
  defineTypes(ctx, scope, live.order);
  ctx.sections.hFns.blank().line(`// ${heading}`);
  for (const func of funcs) {
    if (scope.exported) generateExport(ctx, scope, func);
    else generateImport(ctx, scope, func);
  }
}

/**
 * An interface both imported and exported is one set of type ids, but the
 * export needs its own `exports_...` definitions. Exactly the types the
 * exported interfaces will define again are forgotten: those reachable from
 * an exported interface, except what belongs to an interface that is only
 * imported (and what those types are made of), which exports refer to by its
 * import-side name. Everything else keeps its name and its single definition:
 * in particular the world's own types (world-level `use` aliases) and the
 * interface types they finally denote, which world-level exports reuse.
 */
function forgetTypesRedefinedByExports(ctx: CGuestContext): void {
  const { resolve, world } = ctx;
  const exported = new Set<number>();
  const redefined = new LiveTypes(resolve, () => `world \`${world.name}\``);
  for (const entry of world.exports) {
    if (entry.item.kind !== 'interface') continue;
    exported.add(entry.item.id);
    const iface = resolve.interfaces[entry.item.id];
    if (iface === undefined) continue;
    for (const id of iface.types.values()) redefined.addTypeId(id);
    for (const func of iface.functions.values()) redefined.addFunction(func);
  }
  const importsUsed = new Set<number>();
  for (const id of redefined.order) {
    const owner = ctx.typeDef(id).owner;
    if (owner.kind === 'interface' && !exported.has(owner.id)) importsUsed.add(owner.id);
  }
  const keep = new LiveTypes(resolve, () => `world \`${world.name}\``);
  for (const ifaceId of importsUsed) {
    const iface = resolve.interfaces[ifaceId];
    if (iface === undefined) continue;
    for (const id of iface.types.values()) keep.addTypeId(id);
    for (const func of iface.functions.values()) keep.addFunction(func);
  }
  for (const map of [ctx.typeNames, ctx.dtors, ctx.resources] as const) {
    for (const id of [...map.keys()]) if (redefined.has(id) && !keep.has(id)) map.delete(id);
  }
}

function renderHeader(ctx: CGuestContext, source: string): string {
  const guard = `__BINDINGS_${shoutyCase(ctx.worldName)}_H`;
  const snake = ctx.worldSnake;
  const { hDefs, hFns, hHelpers } = ctx.sections;
  const w = new CodeWriter();
  w.line('// Generated by witgen (`witgen guest c`). Do not edit.');
  w.line(`#ifndef ${guard}`);
  w.line(`#define ${guard}`);
  w.line('#ifdef __cplusplus');
  // Kept out of the writer's brace tracking: nothing inside is indented.
  const openExternC = 'extern "C" {';
  w.line('@@EXTERN_C_OPEN@@');
  w.line('#endif');
  w.blank();
  w.line('#include <stdint.h>');
  w.line('#include <stdbool.h>');
  w.line('#include <stddef.h>');
  // Older wit-bindgen headers pulled these in, and guests written against them rely on it.
  w.line('#include <stdlib.h>');
  w.line('#include <string.h>');
  const utf16 = ctx.stringEncoding === 'utf16';
  if (ctx.needsString && utf16) w.line('#include <uchar.h>');
  const cText = utf16 ? 'char16_t' : 'char';
  if (ctx.needsString) {
    w.blank();
    w.block(`typedef struct ${snake}_string_t`, () => {
      w.line(`${ctx.charType} *ptr;`);
      w.line('size_t len;');
    }, ` ${snake}_string_t;`);
  }
  if (!ctx.sections.hAsync.isEmpty) {
    w.blank().line('// Async and error-context types');
    w.append(ctx.sections.hAsync);
  }
  w.blank().append(hDefs);
  w.blank().append(hFns);
  if (ctx.needsString) {
    hHelpers.blank();
    if (utf16) {
      hHelpers.line('// The number of UTF-16 code units before the terminating zero.');
      hHelpers.line(`size_t ${snake}_string_len(const char16_t *s);`);
      hHelpers.blank();
    }
    hHelpers.line('// Transfers ownership of `s` into the string `ret`');
    hHelpers.line(`void ${snake}_string_set(${snake}_string_t *ret, const ${cText} *s);`);
    hHelpers.blank();
    hHelpers.line('// Creates a copy of the input nul-terminated string `s` and');
    hHelpers.line('// stores it into the component model string `ret`.');
    hHelpers.line(`void ${snake}_string_dup(${snake}_string_t *ret, const ${cText} *s);`);
    hHelpers.blank();
    hHelpers.line('// Creates a copy of the first `len` code units of `s` (no terminator needed)');
    hHelpers.line('// and stores it into the component model string `ret`.');
    hHelpers.line(`void ${snake}_string_dup_n(${snake}_string_t *ret, const ${cText} *s, size_t len);`);
    hHelpers.blank();
    hHelpers.line('// Deallocates the string pointed to by `ret`, deallocating');
    hHelpers.line('// the memory behind the string.');
    hHelpers.line(`void ${snake}_string_free(${snake}_string_t *ret);`);
  }
  if (!hHelpers.isEmpty) {
    w.blank().line('// Helper Functions');
    w.append(hHelpers);
  }
  writeLegacyAliases(w, ctx.legacyAliases, [w.toString(), source]);
  w.blank();
  w.line('#ifdef __cplusplus');
  w.line('@@EXTERN_C_CLOSE@@');
  w.line('#endif');
  w.line('#endif');
  return w.toString().replace('@@EXTERN_C_OPEN@@', openExternC).replace('@@EXTERN_C_CLOSE@@', '}');
}

function renderSource(ctx: CGuestContext, headerName: string): string {
  const snake = ctx.worldSnake;
  const { cDefs, cFns, cHelpers, cAdapters } = ctx.sections;
  const w = new CodeWriter();
  w.line('// Generated by witgen (`witgen guest c`). Do not edit.');
  w.line(`#include "${headerName}"`);
  w.line('#include <stdlib.h>');
  if (ctx.needsString) w.line('#include <string.h>');
  if (ctx.needsBorrowScope) {
    cDefs.blank();
    for (const line of borrowScopeRuntime()) cDefs.line(line);
  }
  for (const line of bitcastHelpers(ctx.bitcasts)) cDefs.line(line);
  w.blank().append(cDefs);

  w.blank().line('// Canonical ABI intrinsics');
  w.blank();
  w.line('__attribute__((__weak__, __export_name__("cabi_realloc")))');
  w.block('void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size)', () => {
    w.line('(void) old_size;');
    w.line('if (new_size == 0) return (void *) align;');
    w.line('void *ret = realloc(ptr, new_size);');
    w.line('if (!ret) abort();');
    w.line('return ret;');
  });
  w.blank().append(cFns);

  if (ctx.retArea.size > 0) {
    w.blank();
    w.line(`__attribute__((__aligned__(${ctx.retArea.align})))`);
    w.line(`static uint8_t RET_AREA[${ctx.retArea.size}];`);
  }

  if (ctx.needsString) {
    const utf16 = ctx.stringEncoding === 'utf16';
    const cText = utf16 ? 'char16_t' : 'char';
    const unit = utf16 ? 2 : 1;
    const length = utf16 ? `${snake}_string_len(s)` : 'strlen(s)';
    if (utf16) {
      cHelpers.blank();
      cHelpers.block(`size_t ${snake}_string_len(const char16_t *s)`, () => {
        cHelpers.line('const char16_t *c = s;');
        cHelpers.line('while (*c) c++;');
        cHelpers.line('return (size_t) (c - s);');
      });
    }
    cHelpers.blank();
    cHelpers.block(`void ${snake}_string_set(${snake}_string_t *ret, const ${cText} *s)`, () => {
      cHelpers.line(`ret->ptr = (${ctx.charType} *) s;`);
      cHelpers.line(`ret->len = ${length};`);
    });
    cHelpers.blank();
    cHelpers.block(`void ${snake}_string_dup(${snake}_string_t *ret, const ${cText} *s)`, () => {
      cHelpers.line(`ret->len = ${length};`);
      cHelpers.line(`ret->ptr = (${ctx.charType} *) cabi_realloc(NULL, 0, ${unit}, ret->len * ${unit});`);
      cHelpers.line(`memcpy(ret->ptr, s, ret->len * ${unit});`);
    });
    cHelpers.blank();
    cHelpers.block(`void ${snake}_string_dup_n(${snake}_string_t *ret, const ${cText} *s, size_t len)`, () => {
      cHelpers.line('ret->len = len;');
      cHelpers.line(`ret->ptr = (${ctx.charType} *) cabi_realloc(NULL, 0, ${unit}, len * ${unit});`);
      cHelpers.line(`memcpy(ret->ptr, s, len * ${unit});`);
    });
    cHelpers.blank();
    cHelpers.block(`void ${snake}_string_free(${snake}_string_t *ret)`, () => {
      cHelpers.line('if (ret->len > 0) {');
      cHelpers.line('free(ret->ptr);');
      cHelpers.line('}');
      cHelpers.line('ret->ptr = NULL;');
      cHelpers.line('ret->len = 0;');
    });
  }
  if (!cHelpers.isEmpty) {
    w.blank().line('// Helper Functions');
    w.append(cHelpers);
  }
  w.blank().line('// Component Adapters');
  w.append(cAdapters);

  w.blank().line('// The C types above are laid out exactly as the canonical ABI lays values out in memory.');
  const seen = new Set<string>();
  if (ctx.needsString) w.line(`_Static_assert(sizeof(${snake}_string_t) == 8 && _Alignof(${snake}_string_t) == 4, "${snake}_string_t layout");`);
  for (const check of ctx.layoutChecks) {
    if (seen.has(check.name)) continue;
    seen.add(check.name);
    const { size, align } = check;
    w.line(`_Static_assert(sizeof(${check.name}) == ${size} && _Alignof(${check.name}) == ${align}, "${check.name} layout");`);
  }
  return w.toString();
}
