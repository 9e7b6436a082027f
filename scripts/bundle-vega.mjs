// Bundle vega and vega-lite into one ES module, dist/engine/report/vega-bundle.js, for the
// report's figures (report/vega-load.ts). Loaded from their packages, Node resolves and links
// about a hundred small modules first: 255-270 ms before the first figure in a fresh thread,
// against 95-100 ms for the bundle (same SVG bytes). Run by `npm run build` (postbuild.mjs).
// Without esbuild (a production-only install) it says so and writes nothing: the report then
// loads the packages themselves.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist/engine/report/vega-bundle.js');
const licences = join(root, 'dist/engine/report/vega-bundle.LICENSES.txt');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn(
    'bundle-vega: esbuild (a development tool) is not installed, so vega is not bundled. Reports still work; each takes about 0.15 s longer.\n' +
      '  to bundle it: `npm install` (with development dependencies), then `npm run build`',
  );
  rmSync(out, { force: true });
  rmSync(licences, { force: true });
}
if (esbuild) await bundle(esbuild);

async function bundle(esbuild) {
  const result = await esbuild.build({
    stdin: {
      contents: "export * as vega from 'vega';\nexport * as vegaLite from 'vega-lite';\n",
      resolveDir: root,
      sourcefile: 'vega-bundle-entry.js',
    },
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    legalComments: 'eof',
    banner: { js: '// vega and vega-lite with their dependencies, bundled by scripts/bundle-vega.mjs; licences in vega-bundle.LICENSES.txt' },
    metafile: true,
    outfile: out,
    logLevel: 'warning',
  });

  // the licence of every bundled package (vega's BSD-3-Clause and d3's ISC ask for their notices)
  const packages = new Map();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m && !packages.has(m[1])) packages.set(m[1], join(root, m[1]));
  }
  const sections = [...packages.values()].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(no licence file; package.json says ${pkg.license})`;
    return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}\n`;
  });
  writeFileSync(licences, `${sections.join(`\n${'-'.repeat(72)}\n\n`)}`);
}
