import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // What generated host bindings import: the runtime without the WIT compiler's CLI.
    'runtime/index': 'src/runtime/index.ts',
    // The CLI entry keeps its `#!/usr/bin/env node` line (tsup preserves it
    // and marks the file executable).
    'cli/main': 'src/cli/main.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts', 'runtime/index': 'src/runtime/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
});
