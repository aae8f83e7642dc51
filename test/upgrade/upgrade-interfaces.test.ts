/**
 * Interfaces on both sides of a legacy world (fixtures/ifaces.wit): the
 * upgraded component imports `test:ifaces/logger@1.0.0` and exports
 * `test:ifaces/counter@1.0.0` as instances, while the legacy module (WAT,
 * fixtures/ifaces.wat) has flat symbols and a `cabi_realloc` allocator.
 */
import { parse } from '@bytecodealliance/jco';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiate } from '../../src/runtime/index.js';
import { instantiateLegacy } from '../../src/runtime/legacy/index.js';
import { upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText } from '../../src/wit/load.js';
import { transpileComponent, type TranspiledComponent } from '../guests/jco-host.js';
import { readText } from './helpers.js';

const wit = readText('test/upgrade/fixtures/ifaces.wit');
const LOGGER = 'test:ifaces/logger@1.0.0';
const COUNTER = 'test:ifaces/counter@1.0.0';

interface Counter {
  bump(s: { by: number; note: string }): number;
  total(): number;
}

describe('upgrade: interfaces', () => {
  let core: Uint8Array;
  let component: Uint8Array;
  let transpiled: TranspiledComponent;

  beforeAll(async () => {
    core = await parse(readText('test/upgrade/fixtures/ifaces.wat'));
    ({ component } = await upgradeLegacy(core, { wit: loadWitText(wit), world: 'ifaces' }));
    transpiled = await transpileComponent(component, 'ifaces');
  });
  afterAll(() => transpiled?.dispose());

  it('imports and exports the interfaces as the world says', async () => {
    const jco = await import('@bytecodealliance/jco');
    const text = await jco.componentWit(component);
    expect(text).toContain(`import ${LOGGER};`);
    expect(text).toContain(`export ${COUNTER};`);
  });

  const run = (counter: Counter): number[] => [counter.bump({ by: 2, note: 'two' }), counter.bump({ by: 40, note: 'fört' }), counter.total()];

  it("witgen's runtime, jco and the legacy path agree", async () => {
    const seen: string[][] = [[], [], []];
    const host = (i: number) => ({ [LOGGER]: { log: (msg: string) => void seen[i]?.push(msg) } });
    const legacy = (await instantiateLegacy(core, host(0), { world: { wit, world: 'ifaces' } })) as Record<string, Counter>;
    const witgen = (await instantiate(component, host(1))) as Record<string, Counter>;
    // jco names the import without its version.
    const jcoLogger = transpiled.imports.find((name) => name.startsWith('test:ifaces/logger')) ?? LOGGER;
    const viaJco = (await transpiled.instantiate({ [jcoLogger]: host(2)[LOGGER] as Record<string, unknown> })) as Record<string, Counter>;
    const want = run(legacy['counter'] as Counter);
    expect(want).toEqual([2, 42, 42]);
    expect(run(witgen['counter'] as Counter)).toEqual(want);
    expect(run(viaJco['counter'] as Counter)).toEqual(want);
    expect(seen).toEqual([['two', 'fört'], ['two', 'fört'], ['two', 'fört']]);
  });
});
