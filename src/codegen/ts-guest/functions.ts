/**
 * Function signatures as a ComponentizeJS guest sees them. Values follow
 * jco's conventions (the host bindings' TypeRenderer renders them); what
 * differs from the host side is who calls whom:
 * - an import is called by the guest: a `result<T, E>` result returns T or
 *   throws an object whose `payload` holds the E value;
 * - an export is implemented by the guest: it returns T (or a Promise of T,
 *   which ComponentizeJS runs to completion), and returns the `err` case by
 *   throwing the E value itself or an object with an own `payload`; throwing
 *   an `Error` without one traps the component.
 */
import type { Func, Resolve, Type, TypeId } from '../../wit/model.js';
import { deprecatedDoc, paramList, returnType } from '../ts-host/functions.js';
import type { TypeRenderer } from '../ts-host/types.js';
import type { TsWriter } from '../ts-host/writer.js';

/** `import`: the bindings implement it and the guest calls it; `export`: the guest implements it. */
export type Role = 'import' | 'export';

/** The JSDoc of `func`: its WIT docs, how a `result` error travels, deprecation. */
export function guestFunctionDoc(types: TypeRenderer, func: Func, role: Role, out: TsWriter, ...extra: (string | null)[]): void {
  const result = types.resultOf(func.result);
  out.doc(func.docs, ...extra, result === null ? null : throwsDoc(types, result.err, role), deprecatedDoc(func.stability));
}

function throwsDoc(types: TypeRenderer, err: Type | null, role: Role): string {
  if (role === 'import') {
    return err === null
      ? '@throws an object with a `payload` property (undefined) for the `err` case.'
      : `@throws an object whose \`payload\` property holds the \`err\` value (\`${types.expr(err)}\`).`;
  }
  const what = err === null ? 'any value that is not an `Error`' : `the \`err\` value (\`${types.expr(err)}\`) itself`;
  return (
    `@throws To return the \`err\` case, throw ${what}, or an object whose own \`payload\` property holds it; ` +
    'an `Error` without `payload` traps the component.'
  );
}

/** `(a: number) => R` for an import, `R | Promise<R>` returned for an export. */
export function arrowType(types: TypeRenderer, func: Func, role: Role): string {
  return `${paramList(types, func)} => ${result(types, func, role)}`;
}

/** `(a: number): R` (method and class member syntax). */
export function methodSignature(types: TypeRenderer, func: Func, role: Role): string {
  return `${paramList(types, func)}: ${result(types, func, role)}`;
}

function result(types: TypeRenderer, func: Func, role: Role): string {
  const plain = returnType(types, func);
  return role === 'export' ? `${plain} | Promise<${plain}>` : plain;
}

/**
 * Whether a parameter of `func` holds a handle of a resource the guest
 * implements, directly or inside anonymous types. Such members are written
 * as methods: TypeScript checks method parameters bivariantly, so a guest
 * may name its own class there (it gets its own instances back), where a
 * function-typed property would demand the generated interface.
 */
export function takesOwnResource(resolve: Resolve, types: TypeRenderer, func: Func, own: ReadonlySet<TypeId>): boolean {
  const params = func.kind.kind === 'method' ? func.params.slice(1) : func.params;
  const visit = (type: Type, depth: number): boolean => {
    if (typeof type === 'string' || depth > 32) return false;
    const def = resolve.types[type];
    if (def === undefined) return false;
    if (def.kind.kind === 'handle') return own.has(def.kind.resource);
    if (def.kind.kind === 'type') return visit(def.kind.type, depth + 1);
    if (types.names.has(type)) return false;
    switch (def.kind.kind) {
      case 'option':
      case 'list':
        return visit(def.kind.kind === 'option' ? def.kind.type : def.kind.element, depth + 1);
      case 'tuple':
        return def.kind.types.some((t) => visit(t, depth + 1));
      case 'result':
        return [def.kind.ok, def.kind.err].some((t) => t !== null && visit(t, depth + 1));
      default:
        return false;
    }
  };
  return params.some((p) => visit(p.type, 0));
}
