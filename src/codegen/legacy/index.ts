/**
 * Legacy guest bindings: from a WIT world, the C header and the Rust module a
 * guest written in the plain `extern "C"` style includes, so the guest and a
 * witgen host (src/runtime/legacy, same symbol names from
 * src/abi/legacy-names.ts) agree on every width, layout and symbol.
 */
import type { Resolve, WorldId } from '../../wit/model.js';
import { renderLegacyCHeader } from './c-header.js';
import { planLegacyWorld, snake, type LegacyPlanOptions } from './plan.js';
import { renderLegacyRustModule } from './rust-module.js';

export { LegacyGuestError, type LegacyGuestErrorCode } from './errors.js';
export { planLegacyWorld, type LegacyPlanOptions, type LegacyWorldPlan } from './plan.js';
export { renderLegacyCHeader } from './c-header.js';
export { renderLegacyRustModule } from './rust-module.js';

export interface LegacyFile {
  readonly name: string;
  readonly text: string;
}

/** `<world>.h` for a C guest. */
export function generateLegacyCHeader(resolve: Resolve, worldId: WorldId, options: LegacyPlanOptions = {}): LegacyFile {
  const plan = planLegacyWorld(resolve, worldId, options);
  return { name: `${snake(plan.worldName)}.h`, text: renderLegacyCHeader(plan) };
}

/** `<world>.rs` for a Rust guest (`mod <world>;`). */
export function generateLegacyRustModule(resolve: Resolve, worldId: WorldId, options: LegacyPlanOptions = {}): LegacyFile {
  const plan = planLegacyWorld(resolve, worldId, options);
  return { name: `${snake(plan.worldName)}.rs`, text: renderLegacyRustModule(plan) };
}
