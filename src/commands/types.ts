import type { Command } from 'commander';

/**
 * One CLI command. `build()` returns a fully configured commander Command whose action does the
 * work. Command modules keep heavy imports (ink, react, duckdb, onnxruntime, vega) dynamic inside
 * the action, so that `scopepilot segment` starts fast.
 */
export interface CommandModule {
  build(): Command;
}

/** A row of the command table: name, one-line summary, and how to load it. */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandModule>;
}
