/**
 * Feature gates: turning `@since` / `@unstable` / `@deprecated` attributes
 * into a `Stability`, and deciding whether a gated item is kept.
 */
import type { Attribute } from './ast.js';
import type { PackageName, Stability } from './model.js';
import { packageNameString } from './model.js';
import type { Span } from './source.js';

export type Fail = (detail: string, span: Span) => never;

const UNKNOWN: Stability = { kind: 'unknown' };

/** The stability an item's attribute list declares (at most one gate plus `@deprecated`). */
export function stabilityOf(attrs: readonly Attribute[], fail: Fail): Stability {
  const [first, second, third] = attrs;
  if (!first) return UNKNOWN;
  if (third) fail('unsupported combination of attributes', second?.span ?? third.span);
  if (!second) {
    if (first.kind === 'since') return { kind: 'stable', since: first.version, deprecated: null };
    if (first.kind === 'unstable') {
      return { kind: 'unstable', feature: first.feature.name, deprecated: null };
    }
    return fail('must pair @deprecated with either @since or @unstable', first.span);
  }
  const gate = first.kind === 'deprecated' ? second : first;
  const deprecated = first.kind === 'deprecated' ? first : second;
  if (deprecated.kind !== 'deprecated' || gate.kind === 'deprecated') {
    return fail('unsupported combination of attributes', second.span);
  }
  if (gate.kind === 'since') {
    return { kind: 'stable', since: gate.version, deprecated: deprecated.version };
  }
  return { kind: 'unstable', feature: gate.feature.name, deprecated: deprecated.version };
}

export interface FeatureSet {
  readonly features: ReadonlySet<string>;
  readonly allFeatures: boolean;
}

/**
 * Whether an item with `stability` in package `pkg` is part of the resolved
 * tree. `@since` must not name a version newer than the package's own.
 */
export function includeStability(
  stability: Stability,
  pkg: PackageName,
  gates: FeatureSet,
  fail: (detail: string) => never,
): boolean {
  switch (stability.kind) {
    case 'unknown':
      return true;
    case 'unstable':
      return gates.allFeatures || gates.features.has(stability.feature);
    case 'stable': {
      const name = packageNameString(pkg);
      if (pkg.version === null) {
        return fail(
          `package [${name}] contains a feature gate with a version specifier, so it must have a version`,
        );
      }
      if (compareSemver(stability.since, pkg.version) > 0) {
        return fail(
          `feature gate cannot reference unreleased version ${stability.since} of package [${name}] (current version ${pkg.version})`,
        );
      }
      return true;
    }
  }
}

export function sameStability(a: Stability, b: Stability): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'stable' && b.kind === 'stable') {
    return a.since === b.since && a.deprecated === b.deprecated;
  }
  if (a.kind === 'unstable' && b.kind === 'unstable') {
    return a.feature === b.feature && a.deprecated === b.deprecated;
  }
  return true;
}

/** Semver precedence: <0 when a<b, 0 when equal, >0 when a>b (build metadata ignored). */
export function compareSemver(a: string, b: string): number {
  const pa = splitSemver(a);
  const pb = splitSemver(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa.core[i] ?? 0) - (pb.core[i] ?? 0);
    if (d !== 0) return d;
  }
  // A version without pre-release ranks above one with it.
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Number(x) - Number(y);
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function splitSemver(text: string): { core: number[]; pre: string[] } {
  const noBuild = text.split('+')[0] ?? '';
  const dash = noBuild.indexOf('-');
  const core = dash < 0 ? noBuild : noBuild.slice(0, dash);
  const pre = dash < 0 ? [] : noBuild.slice(dash + 1).split('.');
  return { core: core.split('.').map((n) => Number(n)), pre };
}
