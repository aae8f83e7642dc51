/**
 * Damaged binaries never escape as the engine's raw errors: a component or a
 * core module cut short or with a few bytes changed either still loads, or
 * fails with witgen's typed error carrying a stable code — ComponentInputError
 * COMPONENT_MALFORMED for a component (also when one of its core modules is
 * invalid code, which the engine refuses with a bare CompileError), BinaryError
 * for a core module on the linker path. Only loading is exercised (no guest
 * code runs), so a damaged module cannot hang the test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryError } from '../../src/binary/reader.js';
import { compileComponent, ComponentInputError } from '../../src/runtime/component/index.js';
import { compileCoreModule } from '../../src/runtime/core/linker.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const component = new Uint8Array(readFileSync(path.join(root, 'guests/c/plugin/plugin.component.wasm')));
const coreModule = new Uint8Array(readFileSync(path.join(root, 'guests/legacy/c/plugin/plugin.core.wasm')));

/** A copy of `bytes` cut after `cut` bytes (when given) with `edits` bytes overwritten; the 8-byte header is kept. */
function damaged(bytes: Uint8Array, cut: number | null, edits: readonly (readonly [number, number])[]): Uint8Array {
  const copy = bytes.slice(0, cut === null ? bytes.length : 8 + (cut % (bytes.length - 8)));
  for (const [at, value] of edits) copy[8 + (at % (copy.length - 8 || 1))] = value;
  return copy;
}

const damage = fc.tuple(
  fc.option(fc.nat(), { nil: null }),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
);

/** What loading did: 'loaded', or the typed error's class and code (anything else fails the property). */
async function outcome(load: () => Promise<unknown>, typed: (error: unknown) => string | null): Promise<string> {
  try {
    await load();
    return 'loaded';
  } catch (error) {
    const kind = typed(error);
    if (kind === null) throw new Error(`an untyped error escaped: ${String(error)}`, { cause: error });
    return kind;
  }
}

describe('damaged binaries end in typed errors', () => {
  it('a damaged component: loads, or ComponentInputError COMPONENT_MALFORMED naming the problem (property)', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(damage, async ([cut, edits]) => {
        const result = await outcome(
          () => compileComponent(damaged(component, cut, edits)),
          (e) => (e instanceof ComponentInputError && e.code === 'COMPONENT_MALFORMED' && e.message.length > 0 ? e.code : null),
        );
        seen.add(result);
      }),
      { numRuns: 150, seed: 20261126 },
    );
    expect(seen).toContain('COMPONENT_MALFORMED');
  });

  it('a component whose core module holds invalid code names the module, its bytes and the engine\'s reason', async () => {
    // Find the first core module's code and break one instruction: an opcode no engine knows.
    const copy = component.slice();
    const code = findCodeBody(copy);
    copy[code] = 0xff;
    const error = await compileComponent(copy).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ComponentInputError);
    expect((error as ComponentInputError).code).toBe('COMPONENT_MALFORMED');
    expect((error as Error).message).toMatch(/^core module 0 of the component \(bytes \d+\.\.\d+\) is not valid WebAssembly: Compiling function #\d+ failed: /);
  });

  it('a damaged core module: compiles, or BinaryError with a code and an offset (property)', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(damage, async ([cut, edits]) => {
        const result = await outcome(
          () => compileCoreModule(damaged(coreModule, cut, edits)),
          (e) => (e instanceof BinaryError && Number.isInteger(e.offset) ? e.code : null),
        );
        seen.add(result);
      }),
      { numRuns: 150, seed: 20261126 },
    );
    expect(seen).toContain('BINARY_MALFORMED');
  });
});

/**
 * The offset of the first instruction of the first function body of the first
 * core module in a component: the core module section (id 1) holds a module
 * whose code section (id 10) lists bodies as size, locals, then instructions.
 */
function findCodeBody(bytes: Uint8Array): number {
  let pos = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[pos++] ?? 0;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return result;
    }
  };
  for (;;) {
    const id = bytes[pos++];
    const size = leb();
    if (id === 1) break;
    pos += size;
  }
  pos += 8; // the core module's own header
  for (;;) {
    const id = bytes[pos++];
    const size = leb();
    if (id === 10) break;
    pos += size;
  }
  leb(); // function count
  leb(); // first body's size
  const localGroups = leb();
  for (let i = 0; i < localGroups; i++) {
    leb();
    pos++;
  }
  return pos;
}
