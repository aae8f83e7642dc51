/**
 * Errors of the component runtime. Each has a stable `code`; messages say
 * what was expected, what was found and where (the export, import or
 * resource involved).
 */

/**
 * A trap while an export ran: a WebAssembly trap (`WebAssembly.RuntimeError`)
 * or a canonical ABI trap (`AbiTrap`: bad value from the guest, out-of-bounds
 * pointer...). `cause` is the original error. The instance is poisoned.
 */
export class ComponentTrap extends Error {
  override readonly name = 'ComponentTrap';
  readonly code = 'COMPONENT_TRAP';
  /** The export: `ns:pkg/iface@1.0.0#f` or `f`. */
  readonly export: string;

  constructor(exportName: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`component trapped in export \`${exportName}\`: ${detail}`, { cause });
    this.export = exportName;
  }
}

/** A call into an instance that trapped before; the spec forbids entering it again. */
export class InstancePoisoned extends Error {
  override readonly name = 'InstancePoisoned';
  readonly code = 'INSTANCE_POISONED';

  constructor(
    readonly exportName: string,
    readonly trap: ComponentTrap,
  ) {
    super(`cannot call \`${exportName}\`: the instance trapped earlier (in \`${trap.export}\`) and may not be entered again`);
  }
}

/** A host import called an export of the instance that is calling the host (the spec's may_enter rule). */
export class ReentranceError extends Error {
  override readonly name = 'ReentranceError';
  readonly code = 'COMPONENT_REENTRANCE';

  constructor(
    readonly exportName: string,
    readonly active: string,
  ) {
    super(
      `cannot call \`${exportName}\` while \`${active}\` of the same instance is running (a host import may not re-enter the component that called it)`,
    );
  }
}

/**
 * A resource handle used wrongly: a dropped or moved resource object, a bad
 * handle index from the guest, a wrong class, a borrow the guest kept past
 * the export call that received it.
 */
export class ResourceError extends Error {
  override readonly name = 'ResourceError';

  constructor(
    readonly code:
      | 'RESOURCE_DROPPED'
      | 'RESOURCE_INVALID_HANDLE'
      | 'RESOURCE_WRONG_TYPE'
      | 'RESOURCE_BORROWED'
      | 'RESOURCE_BORROW_NOT_DROPPED',
    message: string,
  ) {
    super(message);
  }
}

/** What the runtime cannot run itself (the jco fallback can). */
export class UnsupportedComponent extends Error {
  override readonly name = 'UnsupportedComponent';
  readonly code = 'COMPONENT_UNSUPPORTED';

  constructor(readonly reason: string) {
    super(`witgen's component runtime cannot run this component: ${reason}`);
  }
}

/** A problem with what was passed to `instantiate`/`compileComponent` (source, options). */
export class ComponentInputError extends Error {
  override readonly name = 'ComponentInputError';

  constructor(
    readonly code:
      | 'COMPONENT_SOURCE'
      | 'COMPONENT_MALFORMED'
      | 'CORE_MODULE_NEEDS_WORLD'
      | 'COMPONENT_UNSUPPORTED'
      | 'RUNTIME_PART_UNAVAILABLE'
      | 'COMPONENT_LINK',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One difference between the world the bindings were generated for and the component. */
export interface WorldDifference {
  /** `ns:pkg/iface@1.0.0#f`, `f`, or an interface name. */
  readonly item: string;
  readonly problem: 'missing-export' | 'signature' | 'extra-import';
  /** The world's WIT (`f: func(a: u32) -> u32`), or null. */
  readonly expected: string | null;
  /** The component's WIT, or null when it has no such item. */
  readonly found: string | null;
}

/** The component does not fit the world given in `options.world`; lists every difference. */
export class WorldMismatchError extends Error {
  override readonly name = 'WorldMismatchError';
  readonly code = 'COMPONENT_WORLD_MISMATCH';

  constructor(
    readonly world: string,
    readonly differences: readonly WorldDifference[],
  ) {
    const lines = differences.map((d) => {
      switch (d.problem) {
        case 'missing-export':
          return `export \`${d.item}\` is missing (expected \`${d.expected ?? ''}\`)`;
        case 'extra-import':
          return `import \`${d.item}\` is not in the world (found \`${d.found ?? ''}\`)`;
        case 'signature':
          return `\`${d.item}\`: expected \`${d.expected ?? ''}\`, found \`${d.found ?? ''}\``;
      }
    });
    super(`the component does not match world \`${world}\`:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
}
