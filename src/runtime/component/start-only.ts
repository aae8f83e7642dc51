/**
 * Core modules whose instantiation does nothing but call one imported
 * function: wit-component's "fixup" module of a component without lowered
 * imports through memory is `(import "main" "_initialize" (func)) (start 0)`.
 * Instantiating such a module is a full `WebAssembly.Instance` (tens of µs
 * in V8) for what is one call, so the runtime calls the import instead.
 *
 * Exactly the same effect, because the module defines nothing (no
 * functions, tables, memories, globals, segments or exports): the only
 * observable things instantiation does are the import link check (the
 * runtime checks that every import is a function, and instantiates for real
 * otherwise, so errors stay V8's) and running the start function. One link
 * check is not repeated: whether a wasm function given for an import has the
 * imported signature (the JS API cannot tell); components are validated for
 * that when they are made (`wasm-tools component new`), and the start
 * function's own type is `[] -> []` by module validation.
 */
import { BinaryError, ByteReader, readCoreModule } from '../../binary/reader.js';

/** A module that defines nothing: its imports, and which of them its start function is. */
export interface StartOnlyModule {
  /** Every import (module, name); all are functions. */
  readonly imports: readonly { readonly module: string; readonly name: string }[];
  /** Index into `imports` of the start function, or null for a module without one. */
  readonly start: number | null;
}

/** Section ids that carry no definitions: custom, type, import, start. */
const INERT_SECTIONS = new Set([0, 1, 2, 8]);
const START_SECTION = 8;

/** The module's start-only form, or null when it defines anything (then it is instantiated normally). */
export function startOnlyModule(bytes: Uint8Array): StartOnlyModule | null {
  try {
    let start: number | null = null;
    const r = new ByteReader(bytes, 8);
    while (!r.done) {
      const id = r.byte();
      const size = r.u32();
      const end = r.pos + size;
      if (!INERT_SECTIONS.has(id)) {
        // An empty section (count 0) defines nothing either.
        const section = new ByteReader(bytes, r.pos, end);
        if (section.u32() !== 0) return null;
      } else if (id === START_SECTION) {
        start = new ByteReader(bytes, r.pos, end).u32();
      }
      r.pos = end;
    }
    const info = readCoreModule(bytes);
    if (info.imports.some((i) => i.kind !== 'func')) return null;
    if (start !== null && start >= info.imports.length) return null;
    return { imports: info.imports.map((i) => ({ module: i.module, name: i.name })), start };
  } catch (error) {
    // A module this reader cannot follow is simply instantiated by V8.
    if (error instanceof BinaryError) return null;
    throw error;
  }
}
