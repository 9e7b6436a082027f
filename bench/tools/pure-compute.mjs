// Pure compute for the runner's overhead figure: processImageSet on every image set of a folder,
// in a loop, nothing written. `node bench/tools/pure-compute.mjs DIST RECIPE DIR` prints JSON
// {wallS, cpuS} of the loop alone (after one warm-up image set for module loading). Run as its
// own process so that bench/sections/50-run.mjs can interleave it with the `scopepilot run`
// runs it is compared with (the machine's speed drifts over minutes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [dist, recipePath, dir] = process.argv.slice(2);
const { processImageSet } = await import(join(dist, 'engine/pipeline/process.js'));
const { parseRecipe } = await import(join(dist, 'engine/pipeline/recipe.js'));
const { scanFolder } = await import(join(dist, 'engine/dataset/scan.js'));
const rec = parseRecipe(readFileSync(recipePath, 'utf8'));
const scan = await scanFolder(dir, { preset: rec.input.preset, probeSets: 0 });
await processImageSet(rec, scan.imageSets[0]); // warm up (module loading)
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (const s of scan.imageSets) await processImageSet(rec, s);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ wallS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 })}\n`);
