/**
 * C type definitions for WIT types, named and shaped like wit-bindgen's:
 * records and tuples are structs (`f0`, `f1`... for tuples), variants are
 * `{ tag; union { ... } val; }` with `#define`d case numbers, options are
 * `{ bool is_some; T val; }`, results `{ bool is_err; union { ok; err } val; }`,
 * lists `{ T *ptr; size_t len; }`, fixed-length lists `{ T val[N]; }`, enums and flags are unsigned integers with
 * `#define`d constants. Every type that owns memory gets a `_free` function.
 */
import { layoutOf, recordLayout } from '../../abi/layout.js';
import type { Docs } from './docs.js';
import { writeDocs } from './docs.js';
import type { Type, TypeDefKind, TypeId } from '../../wit/model.js';
import type { CGuestContext, Scope } from './context.js';
import { cIdent, shoutyCase, snakeCase } from './names.js';
import { defineResource } from './resources.js';

/** The part of a C type name after the scope prefix, before `_t` (wit-bindgen's encoding). */
export function encodedTypeName(ctx: CGuestContext, type: Type): string {
  if (typeof type === 'string') return type === 'char' ? 'char32' : snakeCase(type);
  const def = ctx.typeDef(type);
  if (def.name !== null) return snakeCase(def.name);
  const kind = def.kind;
  switch (kind.kind) {
    case 'type':
      return encodedTypeName(ctx, kind.type);
    case 'tuple':
      return [`tuple${kind.types.length}`, ...kind.types.map((t) => encodedTypeName(ctx, t))].join('_');
    case 'option':
      return `option_${encodedTypeName(ctx, kind.type)}`;
    case 'result': {
      const ok = kind.ok === null ? 'void' : encodedTypeName(ctx, kind.ok);
      const err = kind.err === null ? 'void' : encodedTypeName(ctx, kind.err);
      return `result_${ok}_${err}`;
    }
    case 'list':
      return `list_${encodedTypeName(ctx, kind.element)}`;
    case 'fixed-length-list':
      // Spelled like tuples (`tuple2_u32_u8`): the count, then the element.
      return `list${kind.length}_${encodedTypeName(ctx, kind.element)}`;
    case 'map':
      return `map_${encodedTypeName(ctx, kind.key)}_${encodedTypeName(ctx, kind.value)}`;
    case 'handle':
      return `${kind.handle}_${encodedTypeName(ctx, kind.resource)}`;
    case 'future':
    case 'stream':
      return `${kind.kind}_${kind.type === null ? 'void' : encodedTypeName(ctx, kind.type)}`;
    default:
      // Records, variants, enums, flags and resources always have names.
      return `anon${type}`;
  }
}

/** Anonymous types built only from primitives are shared by the whole world. */
function isPrimitiveOnly(ctx: CGuestContext, type: Type): boolean {
  if (typeof type === 'string') return true;
  const kind = ctx.typeDef(type).kind;
  switch (kind.kind) {
    case 'list':
    case 'fixed-length-list':
      return isPrimitiveOnly(ctx, kind.element);
    case 'option':
    case 'type':
      return isPrimitiveOnly(ctx, kind.type);
    case 'tuple':
      return kind.types.every((t) => isPrimitiveOnly(ctx, t));
    case 'map':
      return isPrimitiveOnly(ctx, kind.key) && isPrimitiveOnly(ctx, kind.value);
    default:
      return false;
  }
}

/** A map is a list of `{ key; value; }` entries; the entry struct is named `<map>_entry_t`. */
export function mapEntryName(mapName: string): string {
  return `${mapName.slice(0, -2)}_entry_t`;
}

/** Names and defines every type in `ids` (dependencies first) that has no C name yet. */
export function defineTypes(ctx: CGuestContext, scope: Scope, ids: readonly TypeId[]): void {
  for (const id of ids) {
    if (ctx.typeNames.has(id)) continue;
    const def = ctx.typeDef(id);
    const encoded = encodedTypeName(ctx, id);
    if (def.name !== null) {
      ctx.typeNames.set(id, `${ctx.ownerPrefix(scope, id)}_${encoded}_t`);
      defineNamed(ctx, scope, id, def.name, def.kind, def.docs);
    } else if (isPrimitiveOnly(ctx, id)) {
      const name = `${ctx.worldSnake}_${encoded}_t`;
      ctx.typeNames.set(id, name);
      const shared = ctx.sharedNames.get(name);
      if (shared !== undefined) {
        if (shared.dtor !== null) ctx.dtors.set(id, shared.dtor);
        continue;
      }
      defineAnonymous(ctx, id, def.kind);
      ctx.sharedNames.set(name, { dtor: defineDtor(ctx, id) });
      continue;
    } else {
      const kind = def.kind;
      // `own<r>`/`borrow<r>` naming the resource itself (not a `use`d alias) reuse its typedefs.
      const resource = kind.kind === 'handle' ? ctx.resources.get(kind.resource) : undefined;
      if (kind.kind === 'handle' && resource !== undefined) {
        ctx.typeNames.set(id, kind.handle === 'own' ? resource.own : resource.borrow);
        continue;
      }
      ctx.typeNames.set(id, `${scope.prefix}_${encoded}_t`);
      defineAnonymous(ctx, id, kind);
    }
    defineDtor(ctx, id);
  }
}

function checkLayout(ctx: CGuestContext, id: TypeId): void {
  const { size, align } = layoutOf(ctx.resolve, id);
  ctx.layoutChecks.push({ name: ctx.typeName(id), size, align });
}

function defineNamed(ctx: CGuestContext, scope: Scope, id: TypeId, witName: string, kind: TypeDefKind, docs: Docs): void {
  const h = ctx.sections.hDefs;
  const name = ctx.typeName(id);
  if (kind.kind === 'resource') {
    defineResource(ctx, scope, id, witName, docs);
    return;
  }
  if (kind.kind === 'type' && ctx.resolveType(kind.type).kind === 'def') {
    const target = ctx.resolveType(kind.type);
    // A `use`d resource has no value type of its own: only its handles do.
    if (target.kind === 'def' && target.def.kind === 'resource') return;
  }
  ctx.claimCName(name);
  h.blank();
  writeDocs(h, docs);
  const constantPrefix = `${shoutyCase(ctx.ownerPrefix(scope, id))}_${shoutyCase(witName)}`;
  switch (kind.kind) {
    case 'flags': {
      const layout = layoutOf(ctx.resolve, id);
      const words = layout.kind === 'flags' ? layout.words : 1;
      if (isWordArrayFlags(words)) {
        // More than 64 flags do not fit a C integer: an array of the canonical u32 words, each
        // flag a bit in word `<FLAG>_WORD` (and none at all for flags without members).
        h.block(`typedef struct ${name}`, () => h.line(`uint32_t bits[${words}];`), ` ${name};`);
        h.blank();
        kind.flags.forEach((flag, i) => {
          writeDocs(h, flag.docs);
          const bit = constant(constantPrefix, flag.name);
          h.line(`#define ${bit} (1U << ${i % 32})`);
          h.line(`#define ${bit}_WORD ${Math.floor(i / 32)}`);
        });
        break;
      }
      const wide = words === 2;
      // Two u32 words in canonical memory: a 4-aligned 64-bit integer in C.
      const repr = wide ? 'uint64_t __attribute__((__aligned__(4)))' : `${reprName(layout.kind === 'flags' ? layout.repr : 'u32')}`;
      h.line(`typedef ${repr} ${name};`);
      h.blank();
      kind.flags.forEach((flag, i) => {
        writeDocs(h, flag.docs);
        h.line(`#define ${constant(constantPrefix, flag.name)} (${flagOne(wide, i)} << ${i})`);
      });
      break;
    }
    case 'enum': {
      h.line(`typedef ${discriminantName(ctx, id)} ${name};`);
      h.blank();
      kind.cases.forEach((c, i) => {
        writeDocs(h, c.docs);
        h.line(`#define ${constantPrefix}_${shoutyCase(c.name)} ${i}`);
      });
      break;
    }
    case 'variant': {
      h.block(`typedef struct ${name}`, () => {
        h.line(`${discriminantName(ctx, id)} tag;`);
        const payloads = kind.cases.filter((c) => c.type !== null);
        if (payloads.length > 0) {
          h.block('union', () => {
            for (const c of payloads) {
              writeDocs(h, c.docs);
              if (c.type !== null) h.line(`${ctx.typeName(c.type)} ${cIdent(c.name)};`);
            }
          }, ' val;');
        }
      }, ` ${name};`);
      h.blank();
      kind.cases.forEach((c, i) => {
        writeDocs(h, c.docs);
        h.line(`#define ${constantPrefix}_${shoutyCase(c.name)} ${i}`);
      });
      break;
    }
    case 'record':
      h.block(`typedef struct ${name}`, () => {
        for (const field of kind.fields) {
          writeDocs(h, field.docs);
          h.line(`${ctx.typeName(field.type)} ${cIdent(field.name)};`);
        }
      }, ` ${name};`);
      break;
    case 'type':
      h.line(`typedef ${ctx.typeName(kind.type)} ${name};`);
      break;
    case 'future':
    case 'stream':
      // The readable end's handle; `<name>_writer_t` (with the helpers) is the writable end.
      h.line(`typedef uint32_t ${name};`);
      break;
    default:
      writeStructBody(ctx, `typedef struct ${name}`, kind, name);
  }
  checkLayout(ctx, id);
}

function defineAnonymous(ctx: CGuestContext, id: TypeId, kind: TypeDefKind): void {
  const h = ctx.sections.hDefs;
  const name = ctx.typeName(id);
  ctx.claimCName(name);
  h.blank();
  if (kind.kind === 'handle') {
    const info = ctx.resources.get(ctx.dealias(kind.resource));
    if (info === undefined) throw new Error(`handle type id ${id} refers to a resource that was not defined`);
    h.line(`typedef ${kind.handle === 'own' ? info.own : info.borrow} ${name};`);
  } else if (kind.kind === 'type') {
    h.line(`typedef ${ctx.typeName(kind.type)} ${name};`);
  } else if (kind.kind === 'future' || kind.kind === 'stream') {
    h.line(`typedef uint32_t ${name};`);
  } else {
    writeStructBody(ctx, 'typedef struct', kind, name);
  }
  checkLayout(ctx, id);
}

/** Tuples, options, results and lists: the same struct shapes whether named or not. */
function writeStructBody(ctx: CGuestContext, open: string, kind: TypeDefKind, name: string): void {
  const h = ctx.sections.hDefs;
  if (kind.kind === 'map') {
    const entry = mapEntryName(name);
    ctx.claimCName(entry);
    h.block(`typedef struct ${entry}`, () => {
      h.line(`${ctx.typeName(kind.key)} key;`);
      h.line(`${ctx.typeName(kind.value)} value;`);
    }, ` ${entry};`);
    const layout = recordLayout(ctx.resolve, 'map-entry', [
      { name: 'key', type: kind.key },
      { name: 'value', type: kind.value },
    ]);
    ctx.layoutChecks.push({ name: entry, size: layout.size, align: layout.align });
    h.blank();
  }
  h.block(open, () => {
    switch (kind.kind) {
      case 'tuple':
        kind.types.forEach((t, i) => h.line(`${ctx.typeName(t)} f${i};`));
        break;
      case 'option':
        h.line('bool is_some;');
        h.line(`${ctx.typeName(kind.type)} val;`);
        break;
      case 'result':
        h.line('bool is_err;');
        if (kind.ok !== null || kind.err !== null) {
          h.block('union', () => {
            if (kind.ok !== null) h.line(`${ctx.typeName(kind.ok)} ok;`);
            if (kind.err !== null) h.line(`${ctx.typeName(kind.err)} err;`);
          }, ' val;');
        }
        break;
      case 'list':
        h.line(`${ctx.typeName(kind.element)} *ptr;`);
        h.line('size_t len;');
        break;
      case 'fixed-length-list':
        // The elements inline, exactly as the canonical ABI stores them; the struct makes the value assignable.
        h.line(`${ctx.typeName(kind.element)} val[${kind.length}];`);
        break;
      case 'map':
        h.line(`${mapEntryName(name)} *ptr;`);
        h.line('size_t len;');
        break;
      default:
        throw new Error(`unexpected anonymous type kind \`${kind.kind}\``);
    }
  }, ` ${name};`);
}

/**
 * The `1` a flag constant shifts: an `int` like wit-bindgen's `(1 << i)`, so
 * guest expressions keep the types they have there; unsigned where an `int`
 * would overflow (bit 31, and every bit of 33–64 flags).
 */
function flagOne(wide: boolean, bit: number): string {
  if (wide) return '1ULL';
  return bit < 31 ? '1' : '1U';
}

function constant(prefix: string, name: string): string {
  return `${prefix}_${shoutyCase(name)}`;
}

/**
 * Flags C holds as `{ uint32_t bits[N]; }` rather than an integer: more than
 * two canonical words, or none (flags without members, size 0 and align 4).
 */
export function isWordArrayFlags(words: number): boolean {
  return words === 0 || words > 2;
}

function reprName(repr: 'u8' | 'u16' | 'u32'): string {
  return repr === 'u8' ? 'uint8_t' : repr === 'u16' ? 'uint16_t' : 'uint32_t';
}

function discriminantName(ctx: CGuestContext, id: TypeId): string {
  const layout = layoutOf(ctx.resolve, id);
  return reprName(layout.kind === 'variant' ? layout.discriminant : 'u32');
}

/**
 * Writes `<name>_free` when values of the type own memory (strings, lists, or
 * parts that do); variants, options and results always get one, like
 * wit-bindgen. Returns the function name, or null.
 */
function defineDtor(ctx: CGuestContext, id: TypeId): string | null {
  const name = ctx.typeName(id);
  const prefix = name.slice(0, -2);
  const body: string[] = [];
  const free = (type: Type, expr: string): void => {
    const call = freeCall(ctx, type, expr);
    if (call !== null) body.push(call);
  };
  const kind = ctx.typeDef(id).kind;
  switch (kind.kind) {
    case 'type':
      free(kind.type, 'ptr');
      break;
    case 'record':
      for (const field of kind.fields) free(field.type, `&ptr->${cIdent(field.name)}`);
      break;
    case 'tuple':
      kind.types.forEach((t, i) => free(t, `&ptr->f${i}`));
      break;
    case 'list': {
      body.push('size_t list_len = ptr->len;', 'if (list_len > 0) {', `${ctx.typeName(kind.element)} *list_ptr = ptr->ptr;`);
      const element = freeCall(ctx, kind.element, '&list_ptr[i]');
      if (element !== null) body.push('for (size_t i = 0; i < list_len; i++) {', element, '}');
      body.push('free(list_ptr);', '}');
      break;
    }
    case 'fixed-length-list': {
      const element = freeCall(ctx, kind.element, '&ptr->val[i]');
      if (element !== null) body.push(`for (size_t i = 0; i < ${kind.length}; i++) {`, element, '}');
      break;
    }
    case 'map': {
      body.push('size_t list_len = ptr->len;', 'if (list_len > 0) {', `${mapEntryName(name)} *list_ptr = ptr->ptr;`);
      const entry = [freeCall(ctx, kind.key, '&list_ptr[i].key'), freeCall(ctx, kind.value, '&list_ptr[i].value')];
      const calls = entry.filter((call): call is string => call !== null);
      if (calls.length > 0) body.push('for (size_t i = 0; i < list_len; i++) {', ...calls, '}');
      body.push('free(list_ptr);', '}');
      break;
    }
    case 'variant':
      body.push('switch ((int32_t) ptr->tag) {');
      kind.cases.forEach((c, i) => {
        const call = c.type === null ? null : freeCall(ctx, c.type, `&ptr->val.${cIdent(c.name)}`);
        if (call !== null) body.push(`case ${i}: {`, call, 'break;', '}');
      });
      body.push('}');
      break;
    case 'option': {
      body.push('if (ptr->is_some) {');
      const call = freeCall(ctx, kind.type, '&ptr->val');
      if (call !== null) body.push(call);
      body.push('}');
      break;
    }
    case 'result': {
      body.push('if (!ptr->is_err) {');
      const ok = kind.ok === null ? null : freeCall(ctx, kind.ok, '&ptr->val.ok');
      if (ok !== null) body.push(ok);
      const err = kind.err === null ? null : freeCall(ctx, kind.err, '&ptr->val.err');
      if (err !== null) body.push('} else {', err);
      body.push('}');
      break;
    }
    default:
      break;
  }
  if (body.length === 0) return null;
  const dtor = `${prefix}_free`;
  ctx.sections.hHelpers.blank().line(`void ${dtor}(${name} *ptr);`);
  const c = ctx.sections.cHelpers;
  c.blank();
  c.block(`void ${dtor}(${name} *ptr)`, () => {
    for (const line of body) c.line(line);
  });
  ctx.dtors.set(id, dtor);
  return dtor;
}

/** The statement freeing the value at `expr` (a pointer), or null when it owns nothing. */
export function freeCall(ctx: CGuestContext, type: Type, expr: string): string | null {
  if (type === 'string') {
    ctx.needsString = true;
    return `${ctx.worldSnake}_string_free(${expr});`;
  }
  if (typeof type === 'string') return null;
  const dtor = ctx.dtors.get(type);
  return dtor === undefined ? null : `${dtor}(${expr});`;
}

/** Whether values of `type` point at memory the canonical ABI allocated (strings, lists). */
export function ownsMemory(ctx: CGuestContext, type: Type): boolean {
  const resolved = ctx.resolveType(type);
  if (resolved.kind === 'primitive') return resolved.name === 'string';
  const kind = resolved.def;
  switch (kind.kind) {
    case 'list':
    case 'map':
      return true;
    case 'record':
      return kind.fields.some((f) => ownsMemory(ctx, f.type));
    case 'tuple':
      return kind.types.some((t) => ownsMemory(ctx, t));
    case 'variant':
      return kind.cases.some((c) => c.type !== null && ownsMemory(ctx, c.type));
    case 'option':
      return ownsMemory(ctx, kind.type);
    case 'fixed-length-list':
      return ownsMemory(ctx, kind.element);
    case 'result':
      return (kind.ok !== null && ownsMemory(ctx, kind.ok)) || (kind.err !== null && ownsMemory(ctx, kind.err));
    default:
      return false;
  }
}
