#!/usr/bin/env node
// `npm run bench [-- NAME ...]`: runs every section in bench/sections/ (or the named ones) against
// the built dist/ and the shared real data beside the checkout, and prints figures.
// Accuracy and speed are measured here, never asserted in timed tests.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const ctx = {
  root,
  dist: join(root, 'dist'),
  sharedData: resolve(root, '../shared/data'),
  hasSharedData: existsSync(resolve(root, '../shared/data/bbbc039-dev')),
  python: '/usr/bin/python3',
  tmp: join(root, '.bench-out'),
};
if (!existsSync(join(ctx.dist, 'cli.js'))) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(2);
}
if (!ctx.hasSharedData) console.warn(`bench: ${ctx.sharedData} not found: sections on real data are skipped`);

const wanted = process.argv.slice(2);
const sections = readdirSync(join(here, 'sections'))
  .filter((f) => f.endsWith('.mjs'))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)));
let failed = 0;
for (const file of sections) {
  const name = file.replace(/^\d+-/, '').replace(/\.mjs$/, '');
  console.log(`\n## ${name}\n`);
  try {
    const mod = await import(join(here, 'sections', file));
    await mod.default(ctx);
  } catch (err) {
    failed++;
    console.error(`bench ${name} failed: ${err?.stack ?? err}`);
  }
}
process.exitCode = failed ? 1 : 0;
