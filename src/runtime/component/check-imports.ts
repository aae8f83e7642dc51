/**
 * Checks the imports object a host passes for a world against the world's
 * host shape (src/abi/host-shape.ts) before anything runs: every missing
 * function, interface object or resource class, every extra key (with a
 * "did you mean" hint for near misses) and every value of the wrong kind,
 * all reported at once in one `ImportsError`.
 *
 * Resource classes: a class the host provides is a `class` (or a
 * constructor function with methods on its prototype); instance methods are
 * looked up on its prototype chain, statics on the class itself.
 */
import { hostShape, type HostShape, type ShapeFunction, type ShapeGroup, type ShapeResource } from '../../abi/host-shape.js';
import { renderWitSignature } from '../../abi/lift-lower/wit-text.js';
import type { Resolve, WorldId } from '../../wit/model.js';

export { renderWitSignature };

export interface ImportProblem {
  /** Where in the imports object: `hostLog`, `['my:pkg/host'].log`, `Blob.prototype.get`. */
  readonly path: string;
  readonly kind: 'missing' | 'extra' | 'wrong-kind';
  /** What the world wants there in WIT terms (`host-log-value: func(v: s32)`); null for an extra key. */
  readonly expected: string | null;
  /** What the imports object holds there (`nothing` when missing). */
  readonly found: string;
  /** A suggestion, e.g. "did you mean `hostLogValue`?". */
  readonly hint?: string;
}

export class ImportsError extends Error {
  override readonly name = 'ImportsError';
  readonly code = 'IMPORTS_INVALID';
  readonly problems: readonly ImportProblem[];

  constructor(problems: readonly ImportProblem[]) {
    const lines = problems.map(describeImportProblem);
    super(
      problems.length === 1
        ? `invalid imports: ${lines[0] ?? ''}`
        : `invalid imports (${problems.length} problems):\n${lines.map((l) => `  ${l}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** One problem on one line. */
export function describeImportProblem(problem: ImportProblem): string {
  const hint = problem.hint === undefined ? '' : `; ${problem.hint}`;
  switch (problem.kind) {
    case 'missing':
      return `missing \`${problem.path}\`: expected ${problem.expected ?? ''}${hint}`;
    case 'extra':
      return `unexpected \`${problem.path}\`: the world has no such import (found ${problem.found})${hint}`;
    case 'wrong-kind':
      return `wrong kind at \`${problem.path}\`: expected ${problem.expected ?? ''}, found ${problem.found}${hint}`;
  }
}

export interface CheckImportsOptions {
  /**
   * Component import names of interfaces the runtime serves itself (e.g.
   * `wasi:cli/stdout@0.2.0`): not missing when absent from `imports`.
   */
  readonly provided?: ReadonlySet<string>;
  /** The world's host shape when the caller has it already (a compiled component does): saves rebuilding it. */
  readonly shape?: HostShape;
}

/** Throws `ImportsError` listing every problem of `imports` for world `worldId`; returns when there is none. */
export function checkImports(
  resolve: Resolve,
  worldId: WorldId,
  imports: unknown,
  options: CheckImportsOptions = {},
): void {
  const problems = importProblems(resolve, worldId, imports, options);
  if (problems.length > 0) throw new ImportsError(problems);
}

/** The problems `checkImports` would report, in world order, then extras. */
export function importProblems(
  resolve: Resolve,
  worldId: WorldId,
  imports: unknown,
  options: CheckImportsOptions = {},
): ImportProblem[] {
  const shape = options.shape ?? hostShape(resolve, worldId);
  const provided = options.provided ?? new Set<string>();
  const root = shape.root.imports;
  const needed = shape.imports.filter((g) => !provided.has(g.witName) && (g.functions.length > 0 || g.resources.length > 0));
  const nothingNeeded = root.functions.length === 0 && root.resources.length === 0 && needed.length === 0;
  if (imports === undefined && nothingNeeded) return [];
  if (!isObject(imports)) {
    return [{ path: '(imports)', kind: 'wrong-kind', expected: 'an object of imports', found: describeFound(imports) }];
  }
  const problems: ImportProblem[] = [];
  checkGroup(resolve, root, imports, (key) => accessor('', key), problems);
  for (const group of shape.imports) {
    const path = accessor('', group.key);
    const value = imports[group.key];
    if (value === undefined) {
      // An interface of types only has nothing for the host to provide.
      const empty = group.functions.length === 0 && group.resources.length === 0;
      if (!provided.has(group.witName) && !empty) {
        problems.push({ path, kind: 'missing', expected: `interface ${group.witName}`, found: 'nothing' });
      }
      continue;
    }
    if (!isObject(value)) {
      problems.push({ path, kind: 'wrong-kind', expected: `interface ${group.witName} (an object)`, found: describeFound(value) });
      continue;
    }
    checkGroup(resolve, group, value, (key) => `${path}${accessor('.', key)}`, problems);
    problems.push(...extras(value, groupKeys(group), (key) => `${path}${accessor('.', key)}`));
  }
  const topKeys = [...groupKeys(root), ...shape.imports.map((g) => g.key)];
  problems.push(...extras(imports, topKeys, (key) => accessor('', key)));
  return problems;
}

/** The keys a group's object holds: its functions and resource classes. */
function groupKeys(group: ShapeGroup): string[] {
  return [...group.functions.map((f) => f.jsName), ...group.resources.map((r) => r.jsName)];
}

function checkGroup(
  resolve: Resolve,
  group: ShapeGroup,
  object: Record<string, unknown>,
  pathOf: (key: string) => string,
  problems: ImportProblem[],
): void {
  for (const fn of group.functions) {
    checkFunction(resolve, fn, object[fn.jsName], pathOf(fn.jsName), problems);
  }
  for (const resource of group.resources) {
    checkResource(resolve, resource, object[resource.jsName], pathOf(resource.jsName), problems);
  }
}

function checkFunction(
  resolve: Resolve,
  fn: ShapeFunction,
  value: unknown,
  path: string,
  problems: ImportProblem[],
): void {
  if (typeof value === 'function') return;
  // Rendered only for a problem: the check runs on every instantiation.
  const expected = renderWitSignature(resolve, fn.func);
  if (value === undefined) {
    problems.push({ path, kind: 'missing', expected, found: 'nothing' });
  } else {
    problems.push({ path, kind: 'wrong-kind', expected: `a function for ${expected}`, found: describeFound(value) });
  }
}

function checkResource(
  resolve: Resolve,
  resource: ShapeResource,
  value: unknown,
  path: string,
  problems: ImportProblem[],
): void {
  const expected = `resource ${resource.witName} (a class)`;
  if (value === undefined) {
    problems.push({ path, kind: 'missing', expected, found: 'nothing' });
    return;
  }
  if (!isClass(value)) {
    problems.push({ path, kind: 'wrong-kind', expected, found: describeFound(value) });
    return;
  }
  const prototype: unknown = value.prototype;
  for (const method of resource.methods) {
    const found = isObject(prototype) ? prototype[method.jsName] : undefined;
    checkFunction(resolve, method, found, `${path}.prototype.${method.jsName}`, problems);
  }
  for (const member of resource.statics) {
    checkFunction(resolve, member, (value as unknown as Record<string, unknown>)[member.jsName], `${path}.${member.jsName}`, problems);
  }
}

/**
 * `class X {}`, or a constructor function whose prototype has members of
 * its own besides `constructor` (pre-class style). Arrow functions and
 * methods have no prototype; a bare `function f() {}` is a plain function.
 */
function isClass(value: unknown): value is (new (...args: never[]) => unknown) & { prototype: unknown } {
  if (typeof value !== 'function') return false;
  const prototype: unknown = (value as { prototype?: unknown }).prototype;
  if (prototype === undefined || prototype === null) return false;
  if (/^class\b/.test(Function.prototype.toString.call(value))) return true;
  return Object.getOwnPropertyNames(prototype).some((name) => name !== 'constructor');
}

/** Keys of `object` that the world does not know, each with its nearest known key as a hint. */
function extras(object: Record<string, unknown>, known: readonly string[], pathOf: (key: string) => string): ImportProblem[] {
  const knownSet = new Set(known);
  return Object.keys(object)
    .filter((key) => !knownSet.has(key))
    .map((key) => {
      const near = nearest(key, [...known.filter((k) => object[k] === undefined), ...known]);
      const problem: ImportProblem = { path: pathOf(key), kind: 'extra', expected: null, found: describeFound(object[key]) };
      return near === null ? problem : { ...problem, hint: `did you mean \`${near}\`?` };
    });
}

/**
 * The known key a typo most likely meant: the same letters ignoring case and
 * dashes (`host-log` for `hostLog`), a prefix/extension (`hostLog` for
 * `hostLogValue`), or a small edit distance. Keys still missing come first.
 */
export function nearest(key: string, candidates: readonly string[]): string | null {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  const k = norm(key);
  let best: string | null = null;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    // An interface key (`ns:pkg/iface@1.0.0`) is also compared by its short name (`iface`).
    const short = /\/([^/@]+)(@.*)?$/.exec(candidate)?.[1];
    const score = Math.min(similarity(k, norm(candidate)), short === undefined ? Infinity : similarity(k, norm(short)));
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

/** 0 for the same normalized text, 1 for a prefix/suffix, 1 + edit distance when small, else Infinity. */
function similarity(k: string, c: string): number {
  if (c === k) return 0;
  if (k.length >= 3 && (c.startsWith(k) || k.startsWith(c) || c.endsWith(k) || k.endsWith(c))) return 1;
  const distance = editDistance(k, c);
  return distance <= Math.max(2, Math.floor(Math.max(k.length, c.length) / 3)) ? 1 + distance : Infinity;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** `key` as a JS accessor after `prefix`: `.name` for identifiers, `['ns:pkg/x']` otherwise. */
function accessor(prefix: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return `${prefix}${key}`;
  return `[${JSON.stringify(key).replace(/^"|"$/g, "'")}]`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

/** What was found, for messages: `function hostLog`, `class Blob`, `an object`, `number 3`. */
function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'function') {
    const name = (value as { name?: unknown }).name;
    const label = typeof name === 'string' && name.length > 0 ? ` ${name}` : '';
    return isClass(value) ? `class${label}` : `function${label}`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}
