/**
 * Function signatures of the host API: parameters, the returned type (a
 * `result<T, E>` result is returned as T and its error thrown, jco's
 * convention), and the JSDoc that says so.
 */
import type { Func, Stability, Type } from '../../wit/model.js';
import { paramName, propertyKey } from './names.js';
import type { TypeRenderer } from './types.js';
import type { TsWriter } from './writer.js';

/** Who implements the function: the host (imports) or the guest (exports, called by the host). */
export type Side = 'import' | 'export';

/** `(a: number, b: string)`: a method's `self` is the receiver, not a parameter. */
export function paramList(types: TypeRenderer, func: Func): string {
  const params = func.kind.kind === 'method' ? func.params.slice(1) : func.params;
  return `(${params.map((p) => `${paramName(p.name)}: ${types.expr(p.type)}`).join(', ')})`;
}

/** The returned TypeScript type, before any `Promise` for async functions. */
export function returnType(types: TypeRenderer, func: Func): string {
  const result = types.resultOf(func.result);
  if (result !== null) return result.ok === null ? 'void' : types.expr(result.ok);
  return func.result === null ? 'void' : types.expr(func.result);
}

/** The return type as written: async exports return a Promise, async imports may. */
export function writtenReturn(types: TypeRenderer, func: Func, side: Side): string {
  const plain = returnType(types, func);
  if (!func.async) return plain;
  return side === 'export' ? `Promise<${plain}>` : `${plain} | Promise<${plain}>`;
}

/** Writes the JSDoc of `func`: its WIT docs and, for a result, how the error travels. */
export function functionDoc(types: TypeRenderer, func: Func, side: Side, out: TsWriter): void {
  const result = types.resultOf(func.result);
  out.doc(func.docs, result === null ? null : throwsDoc(types, result.err, side), deprecatedDoc(func.stability));
}

/** `@deprecated` for an item the WIT marks `@deprecated(version = ...)`. */
export function deprecatedDoc(stability: Stability): string | null {
  if (stability.kind === 'unknown' || stability.deprecated === null) return null;
  return `@deprecated since version ${stability.deprecated} of the WIT package.`;
}

function throwsDoc(types: TypeRenderer, err: Type | null, side: Side): string {
  if (side === 'export') {
    const payload = err === null ? '' : ` its \`payload\` is the error value (\`${types.expr(err)}\`).`;
    return `@throws {ResultError} when the guest returns the \`err\` case;${payload === '' ? ' it carries no payload.' : payload}`;
  }
  if (err === null) {
    return '@throws To return the `err` case, throw an object with an own `payload` property (e.g. a `ResultError`); any other `Error` propagates to the caller of the export.';
  }
  return (
    `@throws To return the \`err\` case, throw the error value (\`${types.expr(err)}\`) itself, or an object whose own ` +
    '`payload` property holds it (e.g. a `ResultError`); any other `Error` propagates to the caller of the export.'
  );
}

/** `name(params): R;` with its JSDoc. */
export function writeMethod(types: TypeRenderer, jsName: string, func: Func, side: Side, out: TsWriter): void {
  functionDoc(types, func, side, out);
  out.line(`${propertyKey(jsName)}${paramList(types, func)}: ${writtenReturn(types, func, side)};`);
}
