// Make the built CLI executable and record the package version for `scopepilot --version`.
import { chmodSync, copyFileSync } from 'node:fs';
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
// the WebAssembly kernels (built by `npm run build:wasm` into src/engine/wasm) ship beside their loader
copyFileSync(new URL('../src/engine/wasm/kernels.wasm', import.meta.url), new URL('../dist/engine/wasm/kernels.wasm', import.meta.url));
// vega and vega-lite as one module for the report's figures (see bundle-vega.mjs)
await import('./bundle-vega.mjs');
