/**
 * Generates JavaScript source that lifts and lowers values of one layout
 * tree: loads/stores in linear memory (one helper function per layout node)
 * and flat core values (inlined). The code follows the JS value conventions
 * of shared/design.md (jco's mapping) and traps with `AbiTrap` where the
 * canonical ABI says so.
 *
 * Generated code sees: `rt` (runtime.ts helpers), `FN` (the function name
 * for trap messages), `ENC` (the string encoding) and `cx` (CallContext).
 */
import type { CoreType } from '../core-types.js';
import { flattenLayout } from '../flatten.js';
import type { FlagsLayout, Layout, ListLayout, VariantLayout } from '../layout.js';
import { camelCase } from './js-names.js';
import {
  checkScalar,
  liftCoerce,
  liftScalar,
  lit,
  loadScalar,
  lowerCoerce,
  lowerScalar,
  storeScalar,
  storesExactly,
  typedArrayName,
  UINT_GET,
  UINT_SET,
  zeroOf,
} from './scalars.js';

export { typedArrayName };

/** An option whose JS form is `T | undefined` (its payload is not itself such an option). */
export function isNullableOption(layout: Layout): boolean {
  if (layout.kind !== 'variant' || layout.source !== 'option') return false;
  const payload = layout.cases[1]?.layout;
  return payload === null || payload === undefined || !isNullableOption(payload);
}

/**
 * The cached typed-array view of memory named `typed`: a fixed-shape field
 * read, falling back to `rt.view` to make it after memory changed. Valid
 * until the next realloc or core call (either may grow memory).
 */
function viewOf(typed: string): string {
  return `(cx.views.${typed} ?? rt.view(cx, ${lit(typed)}))`;
}

export class Emitter {
  /**
   * Lower UTF-8 strings with exactly one realloc of their final size instead
   * of the spec's grow-then-shrink. Set for values going into a guest through
   * canon `lower` (import results): the WASI preview1 adapter's import
   * allocator accepts only fresh allocations, as hosts like wasmtime and jco
   * never grow a block there.
   */
  exactStrings = false;
  private readonly helpers: string[] = [];
  private readonly memo = new Map<Layout, Map<string, string>>();
  private counter = 0;

  /** All helper functions emitted so far. */
  get helperSource(): string {
    return this.helpers.join('\n');
  }

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  private helper(layout: Layout, op: string, build: (name: string) => string): string {
    let ops = this.memo.get(layout);
    if (ops === undefined) {
      ops = new Map();
      this.memo.set(layout, ops);
    }
    const existing = ops.get(op);
    if (existing !== undefined) return existing;
    const name = this.fresh(`${op}_`);
    ops.set(op, name);
    this.helpers.push(build(name));
    return name;
  }

  // ---- memory -------------------------------------------------------------

  /** An expression loading a value of `layout` at address `p` (a variable). */
  load(layout: Layout, p: string): string {
    if (layout.kind === 'scalar') return loadScalar(layout.scalar, p);
    if (layout.kind === 'string') {
      return `rt.liftString(FN, cx, ENC, cx.dv.getUint32(${p}, true), cx.dv.getUint32(${p} + 4, true))`;
    }
    if (layout.kind === 'handle') {
      return `cx.handles.lift(${lit(layout.handle)}, ${lit(layout.target)}, cx.dv.getUint32(${p}, true))`;
    }
    return `${this.loadHelper(layout)}(cx, ${p})`;
  }

  /** Statements storing JS value `v` (a variable) as `layout` at address `p` (a variable). */
  store(layout: Layout, v: string, p: string, out: string[]): void {
    switch (layout.kind) {
      case 'scalar':
        storeScalar(layout.scalar, v, p, out);
        return;
      case 'string': {
        const s = this.fresh('s');
        out.push(`const ${s} = rt.lowerString(FN, cx, ENC, ${v}, ${this.exactStrings});`);
        out.push(`cx.dv.setUint32(${p}, ${s}[0], true); cx.dv.setUint32(${p} + 4, ${s}[1], true);`);
        return;
      }
      case 'handle':
        out.push(`cx.dv.setUint32(${p}, cx.handles.lower(${lit(layout.handle)}, ${lit(layout.target)}, ${v}), true);`);
        return;
      default:
        out.push(`${this.storeHelper(layout)}(cx, ${v}, ${p});`);
    }
  }

  private loadHelper(layout: Layout): string {
    return this.helper(layout, 'load', (name) => {
      const body: string[] = [];
      switch (layout.kind) {
        case 'list': {
          const ptr = this.fresh('ptr');
          const len = this.fresh('len');
          body.push(`const ${ptr} = cx.dv.getUint32(p, true), ${len} = cx.dv.getUint32(p + 4, true);`);
          body.push(`return ${this.liftListHelper(layout)}(cx, ${ptr}, ${len});`);
          break;
        }
        case 'fixed-list': {
          const items = Array.from({ length: layout.length }, (_, i) => {
            const q = this.fresh('q');
            body.push(`const ${q} = p + ${i * layout.element.size};`);
            return this.load(layout.element, q);
          });
          body.push(`return [${items.join(', ')}];`);
          break;
        }
        case 'record': {
          const values = layout.fields.map((f) => {
            const q = this.fresh('q');
            const x = this.fresh('x');
            body.push(`const ${q} = p + ${f.offset};`);
            body.push(`const ${x} = ${this.load(f.layout, q)};`);
            return { key: f.name, x };
          });
          body.push(`return ${this.recordValue(layout.source, values)};`);
          break;
        }
        case 'variant': {
          body.push(`const d = cx.dv.${UINT_GET[layout.discriminant]}(p, true);`);
          body.push('switch (d) {');
          layout.cases.forEach((c, i) => {
            const inner: string[] = [];
            let payload: string | null = null;
            if (c.layout !== null) {
              const q = this.fresh('q');
              inner.push(`const ${q} = p + ${layout.payloadOffset};`);
              payload = this.load(c.layout, q);
            }
            body.push(`case ${i}: { ${inner.join(' ')} return ${this.caseValue(layout, i, payload)}; }`);
          });
          body.push(`default: return ${this.badDiscriminant(layout, 'd')};`);
          body.push('}');
          break;
        }
        case 'flags': {
          const words = Array.from({ length: layout.words }, (_, i) => {
            const w = this.fresh('w');
            body.push(`const ${w} = cx.dv.${UINT_GET[layout.repr]}(p + ${i * 4}, true);`);
            return w;
          });
          body.push(...this.flagsValue(layout, words, 'r'));
          body.push('return r;');
          break;
        }
        default:
          throw new Error(`no load helper for ${layout.kind}`);
      }
      return `function ${name}(cx, p) {\n${body.join('\n')}\n}`;
    });
  }

  private storeHelper(layout: Layout): string {
    return this.helper(layout, 'store', (name) => {
      const body: string[] = [];
      switch (layout.kind) {
        case 'list': {
          const ptr = this.fresh('ptr');
          body.push(`const ${ptr} = ${this.lowerListHelper(layout)}(cx, v);`);
          body.push(`cx.dv.setUint32(p, ${ptr}, true); cx.dv.setUint32(p + 4, ${this.listLength(layout, 'v')}, true);`);
          break;
        }
        case 'fixed-list': {
          body.push(
            `if (!Array.isArray(v) || v.length !== ${layout.length}) rt.invalid(FN, ${lit(`an array of ${layout.length} elements`)}, v);`,
          );
          for (let i = 0; i < layout.length; i++) {
            const e = this.fresh('e');
            const q = this.fresh('q');
            body.push(`const ${e} = v[${i}], ${q} = p + ${i * layout.element.size};`);
            this.store(layout.element, e, q, body);
          }
          break;
        }
        case 'record': {
          body.push(this.checkRecord(layout.source, layout.fields.length, 'v'));
          layout.fields.forEach((f, i) => {
            const e = this.fresh('e');
            const q = this.fresh('q');
            body.push(`const ${e} = ${this.fieldAccess(layout.source, 'v', f.name, i)}, ${q} = p + ${f.offset};`);
            this.store(f.layout, e, q, body);
          });
          break;
        }
        case 'variant': {
          body.push(
            ...this.dispatch(layout, 'v', (index, payload) => {
              const stmts = [`cx.dv.${UINT_SET[layout.discriminant]}(p, ${index}, true);`];
              const c = layout.cases[index];
              if (payload !== null && c?.layout) {
                const q = this.fresh('q');
                stmts.push(`const ${q} = p + ${layout.payloadOffset};`);
                this.store(c.layout, payload, q, stmts);
              }
              return stmts;
            }),
          );
          break;
        }
        case 'flags': {
          const words = this.flagsWords(layout, 'v', body);
          words.forEach((w, i) => body.push(`cx.dv.${UINT_SET[layout.repr]}(p + ${i * 4}, ${w}, true);`));
          break;
        }
        default:
          throw new Error(`no store helper for ${layout.kind}`);
      }
      return `function ${name}(cx, v, p) {\n${body.join('\n')}\n}`;
    });
  }

  // ---- lists --------------------------------------------------------------

  private listLength(layout: ListLayout, v: string): string {
    return layout.source === 'map' ? `${v}.size` : `${v}.length`;
  }

  /** `liftlist(cx, ptr, len)`: checks bounds and alignment, then reads `len` elements. */
  private liftListHelper(layout: ListLayout): string {
    return this.helper(layout, 'liftlist', (name) => {
      const el = layout.element;
      const body = [`ptr >>>= 0; len >>>= 0;`, `rt.check(FN, cx, ptr, ${el.align}, len * ${el.size});`];
      const typed = layout.source === 'list' ? typedArrayName(el) : null;
      if (typed !== null) {
        // ptr is aligned (checked above), so a cached view indexes it exactly; slice copies out.
        const shift = Math.log2(el.size);
        body.push(`return ${viewOf(typed)}.slice(ptr >>> ${shift}, (ptr >>> ${shift}) + len);`);
      } else if (layout.source === 'map' && el.kind === 'record') {
        const [k, val] = el.fields;
        if (k === undefined || val === undefined) throw new Error('map entry without key and value');
        const q = this.fresh('q');
        const qk = this.fresh('q');
        const qv = this.fresh('q');
        body.push('const out = new Map();');
        body.push(`for (let i = 0; i < len; i++) { const ${q} = ptr + i * ${el.size}; const ${qk} = ${q} + ${k.offset}, ${qv} = ${q} + ${val.offset};`);
        body.push(`out.set(${this.load(k.layout, qk)}, ${this.load(val.layout, qv)}); }`);
        body.push('return out;');
      } else {
        const q = this.fresh('q');
        body.push('const out = new Array(len);');
        body.push(`for (let i = 0; i < len; i++) { const ${q} = ptr + i * ${el.size}; out[i] = ${this.load(el, q)}; }`);
        body.push('return out;');
      }
      return `function ${name}(cx, ptr, len) {\n${body.join('\n')}\n}`;
    });
  }

  /** `lowerlist(cx, v)`: allocates and writes the elements; returns the pointer. */
  private lowerListHelper(layout: ListLayout): string {
    return this.helper(layout, 'lowerlist', (name) => {
      const el = layout.element;
      const body: string[] = [];
      const typed = layout.source === 'list' ? typedArrayName(el) : null;
      const alloc = `const ptr = rt.alloc(FN, cx, len * ${el.size}, ${el.align});`;
      const exact = typed !== null && el.kind === 'scalar' && storesExactly(el.scalar);
      if (typed !== null) {
        // A typed array of the element type is one bulk copy, tested first
        // to keep the fast path short. Its realloc call and checks are
        // written out here rather than through rt.alloc: at 4 KiB the copy
        // takes ~40 ns and the helper calls cost ~7 ns of it. Anything
        // unusual (no realloc, grown memory, a bad pointer) goes to the
        // helpers, which renew the views or trap.
        const shift = Math.log2(el.size);
        const bytes = el.size === 1 ? 'len' : `len * ${el.size}`;
        body.push(
          `if (v instanceof ${typed}) { const len = v.length, realloc = cx.instance.realloc;`,
          `let ptr; if (realloc === undefined) ptr = rt.alloc(FN, cx, ${bytes}, ${el.align});`,
          `else { ptr = realloc(0, 0, ${el.align}, ${bytes}) >>> 0; const mem = cx.u8.length;`,
          `if (mem === 0 || ${el.align > 1 ? `(ptr & ${el.align - 1}) !== 0 || ` : ''}ptr + ${bytes} > mem) { rt.refresh(cx); rt.check(FN, cx, ptr, ${el.align}, ${bytes}); } }`,
          `${typed === 'Uint8Array' ? 'cx.u8' : viewOf(typed)}.set(v, ptr >>> ${shift}); return ptr; }`,
        );
        body.push(`if (!Array.isArray(v)) rt.invalid(FN, ${lit(`a ${typed} or an array`)}, v);`);
      } else if (layout.source === 'map') {
        body.push(`if (!(v instanceof Map)) rt.invalid(FN, 'a Map', v);`);
      } else {
        body.push(`if (!Array.isArray(v)) rt.invalid(FN, 'an array', v);`);
      }
      body.push(`const len = ${this.listLength(layout, 'v')};`);
      if (exact && typed !== null) {
        // A plain array of integers: check every element in a loop that only
        // reads, then one native bulk conversion into memory (about twice as
        // fast as storing each element from JS). Checking first also means an
        // invalid element traps before anything is allocated.
        const shift = Math.log2(el.size);
        if (el.scalar === 'u32') {
          // u32 values from 2^31 up make V8 keep the array as doubles, and the bulk
          // conversion of a double array is about twice as slow as a store loop:
          // the check loop ORs the values (negative iff one is >= 2^31) to choose.
          body.push(`let m = 0; for (let i = 0; i < len; i++) { const e = v[i]; ${checkScalar(el.scalar, 'e')} m |= e; }`);
          body.push(
            alloc,
            `const view = ${viewOf(typed)}; if (m < 0) { const at = ptr >>> ${shift}; for (let i = 0; i < len; i++) view[at + i] = v[i]; } else view.set(v, ptr >>> ${shift});`,
          );
        } else {
          body.push(`for (let i = 0; i < len; i++) { const e = v[i]; ${checkScalar(el.scalar, 'e')} }`);
          body.push(alloc, `${viewOf(typed)}.set(v, ptr >>> ${shift});`);
        }
      } else if (layout.source === 'map' && el.kind === 'record') {
        const [k, val] = el.fields;
        if (k === undefined || val === undefined) throw new Error('map entry without key and value');
        body.push(alloc);
        const inner: string[] = [];
        const q = this.fresh('q');
        const qk = this.fresh('q');
        const qv = this.fresh('q');
        inner.push(`const ${q} = ptr + i * ${el.size}; const ${qk} = ${q} + ${k.offset}, ${qv} = ${q} + ${val.offset};`);
        this.store(k.layout, 'entry[0]', qk, inner);
        this.store(val.layout, 'entry[1]', qv, inner);
        body.push(`let i = 0; for (const entry of v) { ${inner.join(' ')} i++; }`);
      } else {
        const inner: string[] = [];
        const q = this.fresh('q');
        const e = this.fresh('e');
        inner.push(`const ${q} = ptr + i * ${el.size}, ${e} = v[i];`);
        this.store(el, e, q, inner);
        body.push(alloc, `for (let i = 0; i < len; i++) { ${inner.join(' ')} }`);
      }
      body.push('return ptr;');
      return `function ${name}(cx, v) {\n${body.join('\n')}\n}`;
    });
  }

  // ---- records, variants, flags: JS shapes ------------------------------

  private recordValue(source: string, values: { key: string; x: string }[]): string {
    if (source === 'record') return `{ ${values.map((v) => `${lit(camelCase(v.key))}: ${v.x}`).join(', ')} }`;
    return `[${values.map((v) => v.x).join(', ')}]`;
  }

  private checkRecord(source: string, count: number, v: string): string {
    if (source === 'record') return `if (${v} === null || typeof ${v} !== 'object') rt.invalid(FN, 'an object', ${v});`;
    return `if (!Array.isArray(${v}) || ${v}.length !== ${count}) rt.invalid(FN, ${lit(`an array of ${count} elements`)}, ${v});`;
  }

  private fieldAccess(source: string, v: string, name: string, index: number): string {
    return source === 'record' ? `${v}[${lit(camelCase(name))}]` : `${v}[${index}]`;
  }

  /** The JS value of case `index` with payload expression `payload` (null when the case has none). */
  private caseValue(layout: VariantLayout, index: number, payload: string | null): string {
    const c = layout.cases[index];
    const name = c?.name ?? '';
    switch (layout.source) {
      case 'enum':
        return lit(name);
      case 'option':
        if (isNullableOption(layout)) return index === 0 ? 'undefined' : (payload ?? 'undefined');
        return index === 0 ? `{ tag: 'none' }` : `{ tag: 'some', val: ${payload ?? 'undefined'} }`;
      case 'result':
        return `{ tag: ${lit(index === 0 ? 'ok' : 'err')}, val: ${payload ?? 'undefined'} }`;
      case 'variant':
        return payload === null ? `{ tag: ${lit(name)} }` : `{ tag: ${lit(name)}, val: ${payload} }`;
    }
  }

  private badDiscriminant(layout: VariantLayout, d: string): string {
    return `rt.trap(FN, 'invalid-discriminant', \`\${${d}} is not a case of this ${layout.source} (${layout.cases.length} cases)\`)`;
  }

  /**
   * Statements that find which case JS value `v` is and run `onCase(index,
   * payloadVariable)`; unknown values trap with `invalid-value`.
   */
  private dispatch(
    layout: VariantLayout,
    v: string,
    onCase: (index: number, payload: string | null) => string[],
  ): string[] {
    const out: string[] = [];
    const withPayload = (i: number, expr: string): string[] => {
      const c = layout.cases[i];
      if (c?.layout === null || c === undefined) return onCase(i, null);
      const x = this.fresh('x');
      return [`const ${x} = ${expr};`, ...onCase(i, x)];
    };
    const names = layout.cases.map((c) => c.name);
    if (layout.source === 'option' && isNullableOption(layout)) {
      out.push(`if (${v} === undefined || ${v} === null) { ${onCase(0, null).join(' ')} }`);
      out.push(`else { ${withPayload(1, v).join(' ')} }`);
      return out;
    }
    if (layout.source === 'enum') {
      out.push(`switch (${v}) {`);
      names.forEach((n, i) => out.push(`case ${lit(n)}: { ${onCase(i, null).join(' ')} break; }`));
      out.push(`default: rt.invalid(FN, ${lit(`one of ${names.join(', ')}`)}, ${v});`);
      out.push('}');
      return out;
    }
    const tags = layout.source === 'option' ? ['none', 'some'] : layout.source === 'result' ? ['ok', 'err'] : names;
    out.push(`switch (${v} === null || typeof ${v} !== 'object' ? undefined : ${v}.tag) {`);
    tags.forEach((t, i) => out.push(`case ${lit(t)}: { ${withPayload(i, `${v}.val`).join(' ')} break; }`));
    out.push(`default: rt.invalid(FN, ${lit(`{ tag } with tag ${tags.join(' | ')}`)}, ${v});`);
    out.push('}');
    return out;
  }

  /** Statements declaring `r` as the flags object of `words`, trapping on unknown bits. */
  private flagsValue(layout: FlagsLayout, words: string[], r: string): string[] {
    const out: string[] = [];
    const count = layout.names.length;
    const used = count % 32 === 0 ? 32 : count % 32;
    const last = words[words.length - 1];
    if (last !== undefined && used < 32 && layout.repr === 'u32') {
      out.push(`if ((${last} >>> ${used}) !== 0) rt.trap(FN, 'invalid-flags', 'bits beyond the ${count} flags are set');`);
    } else if (last !== undefined && layout.repr !== 'u32' && count < (layout.repr === 'u8' ? 8 : 16)) {
      out.push(`if ((${last} >>> ${count}) !== 0) rt.trap(FN, 'invalid-flags', 'bits beyond the ${count} flags are set');`);
    }
    const entries = layout.names.map((n, i) => `${lit(camelCase(n))}: (${words[i >> 5]} & ${2 ** (i & 31)}) !== 0`);
    out.push(`const ${r} = { ${entries.join(', ')} };`);
    return out;
  }

  /** Statements computing the flag words of object `v`; returns the word variables. */
  private flagsWords(layout: FlagsLayout, v: string, out: string[]): string[] {
    out.push(`if (${v} === null || typeof ${v} !== 'object') rt.invalid(FN, 'an object of flags', ${v});`);
    return Array.from({ length: layout.words }, (_, w) => {
      const name = this.fresh('w');
      // Each flag is a boolean or absent (false); anything else is an error, not truthiness.
      const bits = layout.names.slice(w * 32, w * 32 + 32).map((n, i) => {
        const f = this.fresh('f');
        out.push(`const ${f} = ${v}[${lit(camelCase(n))}];`);
        return `(${f} === true ? ${2 ** i} : ${f} === false || ${f} === undefined ? 0 : rt.invalid(FN, 'a boolean flag', ${f}))`;
      });
      out.push(`const ${name} = (${bits.length > 0 ? bits.join(' + ') : '0'}) | 0;`);
      return name;
    });
  }

  // ---- flat values --------------------------------------------------------

  /** An expression lifting `layout` from the flat core values `vals` (variables or expressions), with statements in `out`. */
  liftFlat(layout: Layout, vals: readonly string[], out: string[]): string {
    const take = (i: number): string => {
      const v = vals[i];
      if (v === undefined) throw new Error('not enough flat values');
      return v;
    };
    switch (layout.kind) {
      case 'scalar':
        return liftScalar(layout.scalar, take(0));
      case 'string':
        return `rt.liftString(FN, cx, ENC, ${take(0)}, ${take(1)})`;
      case 'handle':
        return `cx.handles.lift(${lit(layout.handle)}, ${lit(layout.target)}, ${take(0)})`;
      case 'list':
        return `${this.liftListHelper(layout)}(cx, ${take(0)}, ${take(1)})`;
      case 'fixed-list': {
        const n = flattenLayout(layout.element).length;
        const items = Array.from({ length: layout.length }, (_, i) => {
          const x = this.fresh('x');
          out.push(`const ${x} = ${this.liftFlat(layout.element, vals.slice(i * n, i * n + n), out)};`);
          return x;
        });
        return `[${items.join(', ')}]`;
      }
      case 'record': {
        let at = 0;
        const values = layout.fields.map((f) => {
          const n = flattenLayout(f.layout).length;
          const x = this.fresh('x');
          out.push(`const ${x} = ${this.liftFlat(f.layout, vals.slice(at, at + n), out)};`);
          at += n;
          return { key: f.name, x };
        });
        return this.recordValue(layout.source, values);
      }
      case 'flags': {
        const r = this.fresh('r');
        out.push(...this.flagsValue(layout, vals.slice(0, layout.words).map((v) => `(${v} >>> 0)`), r));
        return r;
      }
      case 'variant': {
        const joined = flattenLayout(layout).slice(1);
        const d = this.fresh('d');
        const r = this.fresh('r');
        out.push(`const ${d} = ${take(0)} >>> 0;`, `let ${r};`, `switch (${d}) {`);
        layout.cases.forEach((c, i) => {
          const inner: string[] = [];
          let payload: string | null = null;
          if (c.layout !== null) {
            const caseFlat = flattenLayout(c.layout);
            const coerced = caseFlat.map((want, j) => {
              const x = this.fresh('x');
              inner.push(`const ${x} = ${liftCoerce(take(j + 1), joined[j] as CoreType, want)};`);
              return x;
            });
            payload = this.liftFlat(c.layout, coerced, inner);
          }
          out.push(`case ${i}: { ${inner.join(' ')} ${r} = ${this.caseValue(layout, i, payload)}; break; }`);
        });
        out.push(`default: ${this.badDiscriminant(layout, d)};`, '}');
        return r;
      }
    }
  }

  /** Flat core value expressions for JS value `v` (a variable), with statements in `out`. */
  lowerFlat(layout: Layout, v: string, out: string[]): string[] {
    switch (layout.kind) {
      case 'scalar': {
        const x = this.fresh('c');
        out.push(`const ${x} = ${lowerScalar(layout.scalar, v, out)};`);
        return [x];
      }
      case 'string': {
        const s = this.fresh('s');
        out.push(`const ${s} = rt.lowerString(FN, cx, ENC, ${v}, ${this.exactStrings});`);
        return [`${s}[0]`, `${s}[1]`];
      }
      case 'handle': {
        const x = this.fresh('c');
        out.push(`const ${x} = cx.handles.lower(${lit(layout.handle)}, ${lit(layout.target)}, ${v});`);
        return [x];
      }
      case 'list': {
        const ptr = this.fresh('c');
        out.push(`const ${ptr} = ${this.lowerListHelper(layout)}(cx, ${v});`);
        return [ptr, this.listLength(layout, v)];
      }
      case 'fixed-list': {
        out.push(
          `if (!Array.isArray(${v}) || ${v}.length !== ${layout.length}) rt.invalid(FN, ${lit(`an array of ${layout.length} elements`)}, ${v});`,
        );
        return Array.from({ length: layout.length }, (_, i) => {
          const e = this.fresh('e');
          out.push(`const ${e} = ${v}[${i}];`);
          return this.lowerFlat(layout.element, e, out);
        }).flat();
      }
      case 'record': {
        out.push(this.checkRecord(layout.source, layout.fields.length, v));
        return layout.fields.flatMap((f, i) => {
          const e = this.fresh('e');
          out.push(`const ${e} = ${this.fieldAccess(layout.source, v, f.name, i)};`);
          return this.lowerFlat(f.layout, e, out);
        });
      }
      case 'flags':
        return this.flagsWords(layout, v, out);
      case 'variant': {
        const joined = flattenLayout(layout).slice(1);
        const d = this.fresh('d');
        const slots = joined.map(() => this.fresh('j'));
        out.push(`let ${d} = 0${slots.map((s, j) => `, ${s} = ${zeroOf(joined[j] as CoreType)}`).join('')};`);
        out.push(
          ...this.dispatch(layout, v, (index, payload) => {
            const stmts = [`${d} = ${index};`];
            const c = layout.cases[index];
            if (payload !== null && c?.layout) {
              const caseFlat = flattenLayout(c.layout);
              const values = this.lowerFlat(c.layout, payload, stmts);
              values.forEach((x, j) => {
                stmts.push(`${slots[j]} = ${lowerCoerce(x, caseFlat[j] as CoreType, joined[j] as CoreType)};`);
              });
            }
            return stmts;
          }),
        );
        return [d, ...slots];
      }
    }
  }
}
