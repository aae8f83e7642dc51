/**
 * The differential hunt (not run by CI; scripts/wit-differential.mjs bundles
 * and runs it): every hand-written case under three feature sets, plus
 * mutated corpus files, through witgen and wasm-tools. Prints each
 * disagreement with its input and both verdicts, and a summary.
 *
 * env: DIFF_SEED (mutation seed), DIFF_MUTANTS (how many mutated inputs),
 *      DIFF_GENERATED (how many generated documents),
 *      DIFF_ONLY=hand|mutants|generated, DIFF_OUT (a file for the full report).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareWithWasmTools, type DiffInput, type DiffOutcome } from './differential.js';
import { handWrittenCases } from './differential-cases.js';
import { generatedInput } from './differential-generate.js';
import { fuzzInput } from './fuzz-mutate.js';
import { WasmTools, type Features } from './wasm-tools.js';
import { loadWitText } from '../../src/wit/load.js';
import { witFilesUnder } from '../helpers/wit-corpus.js';

const root = process.env['WITGEN_ROOT'] ?? process.cwd();
const seed = Number(process.env['DIFF_SEED'] ?? 1);
const mutants = Number(process.env['DIFF_MUTANTS'] ?? 2000);
const only = process.env['DIFF_ONLY'];
const generated = Number(process.env['DIFF_GENERATED'] ?? 2000);

function corpus(): string[] {
  const conformance = resolve(root, '../shared/conformance/wit-parser');
  return [...witFilesUnder(conformance), ...witFilesUnder(join(root, 'wit'))].map((file) => readFileSync(file, 'utf8'));
}

function* inputs(): Generator<DiffInput & { label: string }> {
  const featureSets: Features[] = [['active'], [], 'all'];
  if (only === undefined || only === 'generated') {
    for (let n = 0; n < generated; n++) yield { label: `generated#${seed}:${n}`, ...generatedInput(seed, n) };
  }
  if (only === undefined || only === 'hand') {
    for (const [i, text] of handWrittenCases.entries()) {
      const gated = text.includes('@');
      for (const features of gated ? featureSets : [['active'] as Features]) yield { label: `hand#${i}`, text, features };
    }
  }
  if (only === undefined || only === 'mutants') {
    const texts = corpus();
    const preferred = texts.flatMap((text, i) => {
      try {
        loadWitText(text, { features: ['active'] });
        return [i];
      } catch {
        return [];
      }
    });
    for (let n = 0; n < mutants; n++) {
      const input = fuzzInput(texts, seed, n, preferred);
      yield { label: `mutant#${seed}:${n}`, text: input.text, features: input.allFeatures ? 'all' : ['active'] };
    }
  }
}

const wasmTools = new WasmTools();
const counts = new Map<DiffOutcome['kind'], number>();
const report: string[] = [];
for (const input of inputs()) {
  const outcome = await compareWithWasmTools(wasmTools, input, { timeoutMs: 5_000, maxWorlds: 3 });
  counts.set(outcome.kind, (counts.get(outcome.kind) ?? 0) + 1);
  if (outcome.kind === 'both-accept' || outcome.kind === 'both-reject') continue;
  const entry = [
    `=== ${outcome.kind} ${input.label} features=${JSON.stringify(input.features)}`,
    input.text,
    '---',
    ...Object.entries(outcome)
      .filter(([k]) => k !== 'kind')
      .map(([k, v]) => `${k}: ${String(v)}`),
  ].join('\n');
  report.push(entry);
  console.log(entry);
}
await wasmTools.close();
const summary = [...counts].map(([k, v]) => `${k}: ${v}`).join(', ');
console.log(`summary: ${summary}`);
if (process.env['DIFF_OUT']) writeFileSync(process.env['DIFF_OUT'], `${report.join('\n\n')}\n\nsummary: ${summary}\n`);
