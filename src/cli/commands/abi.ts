/**
 * `witgen abi <path> --world W`: the core wasm signature of every function a
 * world imports and exports, i.e. what a core module must import and export
 * to become a component of that world.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { collectFeatures } from '../options.js';
import { resourceIntrinsics } from '../../abi/resources.js';
import { coreSignatures, renderCoreSignatures, type CoreSignature } from '../../abi/signature.js';
import { loadWit, selectWorld, type WitOptions } from '../../wit/load.js';

export interface AbiCommandOptions {
  /** The world to describe; may be left out when the main package has exactly one. */
  readonly world?: string;
  readonly json?: boolean;
  readonly features?: readonly string[];
  readonly allFeatures?: boolean;
  /** Also list resource intrinsics (`[resource-drop]r`, `[resource-new]r`, `[resource-rep]r`, `[dtor]r`). */
  readonly intrinsics?: boolean;
  /** How `async` functions are lifted/lowered: the sync ABI (default), or the async ABI with a callback or stackful. */
  readonly asyncAbi?: 'sync' | 'callback' | 'stackful';
}

const ASYNC_MODES = { sync: 'sync', callback: 'async-callback', stackful: 'async-stackful' } as const;

/** Everything `witgen abi` does, as a function: returns the text to print. Throws WitError. */
export function abiCommand(path: string, options: AbiCommandOptions): string {
  const witOptions: WitOptions = {
    features: options.features ?? [],
    allFeatures: options.allFeatures ?? false,
  };
  const loaded = loadWit(path, witOptions);
  const worldId = selectWorld(loaded, options.world);
  const signatures = coreSignatures(loaded.resolve, worldId, { async: ASYNC_MODES[options.asyncAbi ?? 'sync'] });
  if (options.intrinsics) {
    for (const i of resourceIntrinsics(loaded.resolve, worldId)) {
      // Intrinsics of exported resources come from the `[export]` side of the interface.
      const iface = i.side === 'exported' && i.kind === 'import' ? `[export]${i.interface ?? ''}` : i.interface;
      const entry: CoreSignature = { kind: i.kind, interface: iface, name: i.name, params: i.params, results: i.results };
      signatures.push(entry);
    }
  }
  if (options.json) return `${JSON.stringify(signatures, null, 2)}\n`;
  return renderCoreSignatures(signatures);
}

function parseAsyncMode(value: string): 'sync' | 'callback' | 'stackful' {
  if (value === 'sync' || value === 'callback' || value === 'stackful') return value;
  throw new InvalidArgumentError(`expected sync, callback or stackful, found \`${value}\``);
}

export function registerAbiCommand(program: Command): void {
  program
    .command('abi')
    .description("print the core wasm signature of each function a world imports and exports")
    .argument('<path>', 'a .wit file, or a directory of .wit files with an optional deps/ folder')
    .option('-w, --world <name>', 'the world to describe (`w` or `ns:pkg/w@version`); optional if there is only one')
    .option('--json', 'print an array of { kind, interface, name, params, results }')
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures, [])
    .option('--all-features', 'enable every @unstable feature')
    .option('--async-abi <mode>', 'ABI of async functions: sync (default), callback or stackful', parseAsyncMode)
    .option('--intrinsics', 'also list resource intrinsics ([resource-drop]r, [resource-new]r, [resource-rep]r, [dtor]r)')
    .action((path: string, options: AbiCommandOptions) => {
      process.stdout.write(abiCommand(path, options));
    });
}
