/**
 * vega and vega-lite for the report's figures: from dist's one-file bundle when the build made
 * one (scripts/bundle-vega.mjs: 95-100 ms to load in a fresh thread instead of 255-270 ms for the
 * hundred-odd modules of the packages), else from the packages themselves (under vitest, or
 * without esbuild). Both give the same SVG bytes.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface VegaModules {
  vega: typeof import('vega');
  vl: typeof import('vega-lite');
}

let loaded: Promise<VegaModules> | undefined;

export function loadVega(): Promise<VegaModules> {
  loaded ??= (async () => {
    const bundle = new URL('./vega-bundle.js', import.meta.url);
    if (existsSync(fileURLToPath(bundle))) {
      const m = (await import(/* @vite-ignore */ bundle.href)) as { vega: VegaModules['vega']; vegaLite: VegaModules['vl'] };
      return { vega: m.vega, vl: m.vegaLite };
    }
    const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
    return { vega, vl };
  })();
  return loaded;
}
