/**
 * The bundled plugin world (wit/plugin.wit) as tests see it: its export
 * shape, and one host with per-instance state whose imports object serves
 * every guest of the world (component, legacy, upgraded).
 */

export interface Point {
  x: number;
  y: number;
}

export interface Plugin {
  justAdd(a: bigint, b: bigint): bigint;
  triggerHostCalls(n: number): void;
  pointAdd(a: Point, b: Point): Point;
}

/** The host's shared value, what the guest logged, and the imports object over both. */
export class PluginHost {
  readonly logged: number[] = [];
  readonly imports = {
    hostLogValue: (value: number): void => {
      this.logged.push(value);
    },
    hostGetSharedValue: (): number => this.shared,
    hostSetSharedValue: (value: number): void => {
      this.shared = value;
    },
  };

  constructor(public shared: number) {}
}
