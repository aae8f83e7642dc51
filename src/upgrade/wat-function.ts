/**
 * A core function written as WAT text: numbered params, fresh locals on
 * demand, and a flat instruction list. The adapter module's functions are
 * built with it; `Expr` is an instruction sequence that pushes one value.
 */
import type { CoreType } from '../abi/core-types.js';

export type Expr = readonly string[];

export class WatFunction {
  private readonly locals: CoreType[] = [];
  readonly body: string[] = [];

  constructor(
    readonly params: readonly CoreType[],
    readonly results: readonly CoreType[],
  ) {}

  /** A fresh local of `type`; its index follows the params. */
  local(type: CoreType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  emit(...instructions: readonly string[]): void {
    this.body.push(...instructions);
  }

  /** The whole `(func ...)` form, exported as `exportName` when given. */
  text(id: string, exportName?: string): string {
    const head = [`(func ${id}`];
    if (exportName !== undefined) head.push(`(export ${watString(exportName)})`);
    if (this.params.length > 0) head.push(`(param ${this.params.join(' ')})`);
    if (this.results.length > 0) head.push(`(result ${this.results.join(' ')})`);
    if (this.locals.length > 0) head.push(`(local ${this.locals.join(' ')})`);
    return `  ${head.join(' ')}\n${this.body.map((i) => `    ${i}\n`).join('')}  )`;
  }
}

/** A WAT string literal: printable ASCII as is, everything else as `\hh` escapes. */
export function watString(value: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(value)) {
    const c = String.fromCharCode(byte);
    out += byte >= 0x20 && byte < 0x7f && c !== '"' && c !== '\\' ? c : `\\${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** `(func (param ...) (result ...))` for an import declaration. */
export function funcSignature(params: readonly CoreType[], results: readonly CoreType[]): string {
  const parts: string[] = [];
  if (params.length > 0) parts.push(`(param ${params.join(' ')})`);
  if (results.length > 0) parts.push(`(result ${results.join(' ')})`);
  return parts.join(' ');
}

/** The zero value of a core type. */
export function zero(type: CoreType): Expr {
  return [`${type}.const 0`];
}
