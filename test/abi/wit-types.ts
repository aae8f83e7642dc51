/**
 * Random WIT types as source text, with the named declarations (records,
 * variants, enums, flags, resources) they need, for differential tests.
 */
import fc from 'fast-check';

/** A WIT type as text, with the named declarations it needs. */
export interface WitType {
  readonly text: string;
  readonly decls: readonly string[];
}

const PRIMS = ['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string'];
const KEY_PRIMS = ['u8', 'u32', 'u64', 's32', 'char', 'string'];

let counter = 0;
const fresh = (prefix: string) => `${prefix}${counter++}`;

export const prim = (names: string[]) => fc.constantFrom(...names).map((text): WitType => ({ text, decls: [] }));

export function join(parts: readonly WitType[]): readonly string[] {
  return parts.flatMap((p) => p.decls);
}

/** Random WIT types; `resources: false` / `maps: false` leave out resource handles / maps. */
export function witTypeArb(options: { resources?: boolean; maps?: boolean } = {}): fc.Arbitrary<WitType> {
  const resource = fc.constant(null).map((): WitType => {
    const name = fresh('res');
    return { text: name, decls: [`resource ${name};`] };
  });
  return fc.letrec<{ t: WitType }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      // The first choice is the base case fast-check falls back to at depth.
      prim(PRIMS),
      ...(options.resources === false ? [] : [resource]),
      fc.array(tie('t'), { minLength: 1, maxLength: 4 }).map((fields): WitType => {
        const name = fresh('rec');
        const body = fields.map((f, i) => `f${i}: ${f.text}`).join(', ');
        return { text: name, decls: [...join(fields), `record ${name} { ${body} }`] };
      }),
      fc.array(tie('t'), { minLength: 1, maxLength: 3 }).map((items) => ({
        text: `tuple<${items.map((i) => i.text).join(', ')}>`,
        decls: join(items),
      })),
      fc.array(fc.option(tie('t'), { nil: null }), { minLength: 1, maxLength: 4 }).map((cases): WitType => {
        const name = fresh('var');
        const payloads = cases.flatMap((c) => (c === null ? [] : [c]));
        const body = cases.map((c, i) => (c === null ? `c${i}` : `c${i}(${c.text})`)).join(', ');
        return { text: name, decls: [...join(payloads), `variant ${name} { ${body} }`] };
      }),
      fc.integer({ min: 1, max: 300 }).map((count): WitType => {
        const name = fresh('en');
        const body = Array.from({ length: count }, (_, i) => `e${i}`).join(', ');
        return { text: name, decls: [`enum ${name} { ${body} }`] };
      }),
      fc.integer({ min: 1, max: 32 }).map((count): WitType => {
        const name = fresh('fl');
        const body = Array.from({ length: count }, (_, i) => `g${i}`).join(', ');
        return { text: name, decls: [`flags ${name} { ${body} }`] };
      }),
      tie('t').map((t) => ({ text: `option<${t.text}>`, decls: t.decls })),
      tie('t').map((t) => ({ text: `list<${t.text}>`, decls: t.decls })),
      fc
        .record({ t: tie('t'), n: fc.integer({ min: 1, max: 4 }) })
        .map(({ t, n }) => ({ text: `list<${t.text}, ${n}>`, decls: t.decls })),
      fc
        .record({ ok: fc.option(tie('t'), { nil: null }), err: fc.option(tie('t'), { nil: null }) })
        .map(({ ok, err }): WitType => {
          const decls = [...(ok?.decls ?? []), ...(err?.decls ?? [])];
          if (ok === null && err === null) return { text: 'result', decls };
          if (err === null) return { text: `result<${ok?.text}>`, decls };
          return { text: `result<${ok === null ? '_' : ok.text}, ${err.text}>`, decls };
        }),
      ...(options.maps === false
        ? []
        : [
            fc
              .record({ k: prim(KEY_PRIMS), v: tie('t') })
              .map(({ k, v }) => ({ text: `map<${k.text}, ${v.text}>`, decls: v.decls })),
          ]),
    ),
  })).t;
}
