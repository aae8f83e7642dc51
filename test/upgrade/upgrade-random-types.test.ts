/**
 * The adapter's memory code (storing flat values into C structs, loading
 * them back, variant slot joins, freeing) on random WIT types: for each
 * random type T, a legacy guest of `export echo: func(v: T) -> tuple<T>`
 * (written in WAT from its C ABI plan: identity when T passes direct, a
 * struct copy through the result pointer otherwise) is upgraded, and random
 * values of T must come back unchanged from witgen's component runtime —
 * exactly as from the legacy path. `echo-via-host` forwards its C arguments
 * to the import `host-echo` of the same type, so values also cross the
 * adapter's import direction (loads from C structs, results written by the
 * host through the C result pointer).
 */
import { parse } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantiate } from '../../src/runtime/index.js';
import { instantiateLegacy } from '../../src/runtime/legacy/index.js';
import { legacyWorldPlan } from '../../src/runtime/legacy/world.js';
import { upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText, selectWorld } from '../../src/wit/load.js';

type WitType =
  | { readonly k: 'prim'; readonly name: string }
  | { readonly k: 'list' | 'option'; readonly el: WitType }
  | { readonly k: 'result'; readonly ok: WitType; readonly err: WitType }
  | { readonly k: 'tuple' | 'record'; readonly els: readonly WitType[] }
  | { readonly k: 'variant'; readonly cases: readonly (WitType | null)[] }
  | { readonly k: 'enum' | 'flags'; readonly n: number };

const PRIMS = ['u8', 's8', 'u16', 's16', 'u32', 's32', 'u64', 's64', 'f32', 'f64', 'bool', 'char', 'string'];

function typeArb(depth: number): fc.Arbitrary<WitType> {
  const leaf = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...PRIMS).map((name): WitType => ({ k: 'prim', name })) },
    { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('enum' as const, 'flags' as const), n: fc.integer({ min: 1, max: 10 }) }) },
  );
  if (depth === 0) return leaf;
  const inner = typeArb(depth - 1);
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    { weight: 1, arbitrary: inner.map((el): WitType => ({ k: 'list', el })) },
    { weight: 1, arbitrary: inner.filter((t) => t.k !== 'option').map((el): WitType => ({ k: 'option', el })) },
    { weight: 1, arbitrary: fc.tuple(inner, inner).map(([ok, err]): WitType => ({ k: 'result', ok, err })) },
    { weight: 1, arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((els): WitType => ({ k: 'tuple', els })) },
    { weight: 2, arbitrary: fc.array(inner, { minLength: 1, maxLength: 4 }).map((els): WitType => ({ k: 'record', els })) },
    { weight: 2, arbitrary: fc.array(fc.option(inner, { nil: null }), { minLength: 1, maxLength: 4 }).map((cases): WitType => ({ k: 'variant', cases })) },
  );
}

/** The WIT spelling of `t`; named types are declared into `decls`. */
function witOf(t: WitType, decls: string[]): string {
  switch (t.k) {
    case 'prim':
      return t.name;
    case 'list':
    case 'option':
      return `${t.k}<${witOf(t.el, decls)}>`;
    case 'result':
      return `result<${witOf(t.ok, decls)}, ${witOf(t.err, decls)}>`;
    case 'tuple':
      return `tuple<${t.els.map((e) => witOf(e, decls)).join(', ')}>`;
    case 'record': {
      const fields = t.els.map((e, i) => `f${i}: ${witOf(e, decls)}`).join(', ');
      decls.push(`record r${decls.length} { ${fields} }`);
      return `r${decls.length - 1}`;
    }
    case 'variant': {
      const cases = t.cases.map((c, i) => (c === null ? `c${i}` : `c${i}(${witOf(c, decls)})`)).join(', ');
      decls.push(`variant v${decls.length} { ${cases} }`);
      return `v${decls.length - 1}`;
    }
    case 'enum':
      decls.push(`enum e${decls.length} { ${Array.from({ length: t.n }, (_, i) => `e${i}`).join(', ')} }`);
      return `e${decls.length - 1}`;
    case 'flags':
      decls.push(`flags g${decls.length} { ${Array.from({ length: t.n }, (_, i) => `g${i}`).join(', ')} }`);
      return `g${decls.length - 1}`;
  }
}

const INTS: Record<string, [number, number]> = {
  u8: [0, 0xff],
  s8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  s16: [-0x8000, 0x7fff],
  u32: [0, 0xffff_ffff],
  s32: [-0x8000_0000, 0x7fff_ffff],
};

function valueArb(t: WitType): fc.Arbitrary<unknown> {
  switch (t.k) {
    case 'prim': {
      const range = INTS[t.name];
      if (range !== undefined) return fc.integer({ min: range[0], max: range[1] });
      if (t.name === 'u64') return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
      if (t.name === 's64') return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
      if (t.name === 'f32') return fc.float({ noNaN: true });
      if (t.name === 'f64') return fc.double({ noNaN: true });
      if (t.name === 'bool') return fc.boolean();
      if (t.name === 'char') return fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
      return fc.string({ unit: 'grapheme', maxLength: 8 });
    }
    case 'list':
      return fc.array(valueArb(t.el), { maxLength: 3 });
    case 'option':
      return fc.option(valueArb(t.el), { nil: undefined });
    case 'result':
      return fc.oneof(valueArb(t.ok).map((val) => ({ tag: 'ok', val })), valueArb(t.err).map((val) => ({ tag: 'err', val })));
    case 'tuple':
      return fc.tuple(...t.els.map(valueArb));
    case 'record':
      return fc.tuple(...t.els.map(valueArb)).map((values) => Object.fromEntries(values.map((v, i) => [`f${i}`, v])));
    case 'variant':
      return fc.oneof(...t.cases.map((c, i) => (c === null ? fc.constant({ tag: `c${i}` }) : valueArb(c).map((val) => ({ tag: `c${i}`, val })))));
    case 'enum':
      return fc.integer({ min: 0, max: t.n - 1 }).map((i) => `e${i}`);
    case 'flags':
      return fc.array(fc.boolean(), { minLength: t.n, maxLength: t.n }).map((bits) => Object.fromEntries(bits.map((b, i) => [`g${i}`, b])));
  }
}

/** Typed arrays as plain arrays and no `undefined` members, so values compare by content. */
function normalize(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

/** A bump allocator (never reuses memory, so the shared strings of a shallow copy stay valid) and the echo. */
function guestText(params: readonly string[], results: readonly string[], sret: boolean, size: number): string {
  const sig = `${params.length > 0 ? `(param ${params.join(' ')})` : ''} ${results.length > 0 ? `(result ${results.join(' ')})` : ''}`;
  const body = sret ? `local.get 0 local.get 1 i32.const ${size} memory.copy` : params.map((_, i) => `local.get ${i}`).join(' ');
  return `(module
  (import "env" "host_echo" (func $host_echo ${sig}))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (func (export "malloc") (param i32) (result i32) (local i32)
    global.get $bump local.set 1
    global.get $bump local.get 0 i32.add i32.const 15 i32.add i32.const -16 i32.and global.set $bump
    block loop global.get $bump memory.size i32.const 16 i32.shl i32.le_u br_if 1 i32.const 1 memory.grow drop br 0 end end
    local.get 1)
  (func (export "free") (param i32))
  (func (export "echo") ${sig} ${body})
  (func (export "echo_via_host") ${sig} ${params.map((_, i) => `local.get ${i}`).join(' ')} call $host_echo))`;
}

describe('upgrade: random WIT types through the adapter', () => {
  it('echoes random values of random types like the legacy path', async () => {
    await fc.assert(
      fc.asyncProperty(typeArb(2), async (type) => {
        const decls: string[] = [];
        const spelled = witOf(type, decls);
        const wit = `package t:rand;\n\nworld w {\n${decls.map((d) => `  ${d}\n`).join('')}  export echo: func(v: ${spelled}) -> tuple<${spelled}>;\n  export echo-via-host: func(v: ${spelled}) -> tuple<${spelled}>;\n  import host-echo: func(v: ${spelled}) -> tuple<${spelled}>;\n}\n`;
        const loaded = loadWitText(wit);
        const plan = legacyWorldPlan(loaded.resolve, selectWorld(loaded), { importModule: 'env', freeResults: true }).exports[0]?.plan;
        if (plan === undefined) throw new Error('no plan');
        const param = plan.params[0];
        const core = await parse(guestText(plan.core.params, plan.core.results, plan.sret, param?.layout.size ?? 0));
        const { component } = await upgradeLegacy(core, { wit: loaded });
        const host = { hostEcho: (v: unknown): unknown[] => [v] };
        const upgraded = (await instantiate(component, host)) as { echo(v: unknown): unknown[]; echoViaHost(v: unknown): unknown[] };
        const legacy = (await instantiateLegacy(core, host, { world: { resolve: loaded.resolve, worldId: selectWorld(loaded) } })) as typeof upgraded;
        fc.assert(
          fc.property(valueArb(type), (value) => {
            const back = normalize(upgraded.echo(value));
            expect(back).toEqual([normalize(value)]);
            expect(back).toEqual(normalize(legacy.echo(value)));
            const viaHost = normalize(upgraded.echoViaHost(value));
            expect(viaHost).toEqual([normalize(value)]);
            expect(viaHost).toEqual(normalize(legacy.echoViaHost(value)));
          }),
          { numRuns: 15 },
        );
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
