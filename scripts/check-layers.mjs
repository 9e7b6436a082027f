#!/usr/bin/env node
// Layer rule (docs/ARCHITECTURE.md): imports only point down. src/engine never imports react, ink,
// src/wizard or src/screens; src/wizard never imports react, ink or src/screens.
// Exits 1 and names each offending import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const rules = [
  { dir: 'src/engine', banned: [/^react($|\/)/, /^ink($|-)/, /^terminal-image$/, /^conf$/], bannedDirs: ['src/wizard', 'src/screens', 'src/commands', 'src/cli.ts'] },
  { dir: 'src/wizard', banned: [/^react($|\/)/, /^ink($|-)/], bannedDirs: ['src/screens', 'src/commands', 'src/cli.ts'] },
];
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

function* walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts)$/.test(e)) yield p;
  }
}

export function findViolations(base = root) {
  const bad = [];
  for (const rule of rules) {
    for (const file of walk(join(base, rule.dir))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec) continue;
        if (spec.startsWith('.')) {
          const target = relative(base, resolve(dirname(file), spec));
          if (rule.bannedDirs.some((d) => target === d.replace(/\.ts$/, '.js') || target.startsWith(`${d}/`) || target === d)) bad.push(`${relative(base, file)} imports ${spec} (${rule.dir} must not import ${target})`);
        } else if (rule.banned.some((re) => re.test(spec))) {
          bad.push(`${relative(base, file)} imports ${spec} (${rule.dir} must not import UI packages)`);
        }
      }
    }
  }
  return bad;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bad = findViolations(process.argv[2] ? resolve(process.argv[2]) : root);
  if (bad.length) {
    console.error(`Layer rule broken (imports only point down: screens -> wizard -> engine):\n  ${bad.join('\n  ')}`);
    process.exit(1);
  }
  console.log('layers ok: src/engine and src/wizard import nothing above them');
}
