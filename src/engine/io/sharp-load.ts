/**
 * sharp, loaded once per thread with require rather than import(): sharp is CommonJS, and
 * import() first has Node scan its files for their exports (cjs-module-lexer): 130-142 ms in a
 * fresh process against 77-90 ms (3 runs each). A run loads it at its end, for the report's
 * thumbnails and the methods record's libvips version.
 */
import { createRequire } from 'node:module';

type Sharp = typeof import('sharp').default;

let sharp: Promise<Sharp> | undefined;

/** The sharp function (rejects, as import() would, when sharp or its native part cannot load). */
export function loadSharp(): Promise<Sharp> {
  sharp ??= Promise.resolve().then(() => createRequire(import.meta.url)('sharp') as Sharp);
  return sharp;
}
