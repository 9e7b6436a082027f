/**
 * METHODS.md and methods.json: what was done, how and why, for a paper's methods section.
 * `writeMethods(outDir, recipe, context)` is called by the wizard (src/wizard/run.ts) and by
 * `scopepilot report`. Deterministic: the only dates are those recorded in run.json.
 * @see CITATIONS.checklist (Schmied et al. 2024), CITATIONS.rembi
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { loadModelInfo } from '../pipeline/model.js';
import { parseRecipe, type Recipe } from '../pipeline/recipe.js';
import { summarise } from '../results/stats.js';
import { type OutputFolder, readOutputFolder } from '../results/stats-tables.js';
import { currentEnvironment } from './environment.js';
import { runFacts } from './facts.js';
import { buildMethodsRecord, type MethodsContext, type MethodsRecord } from './methods-record.js';
import { statsOptionsFromRecipe } from './stats-options.js';

export type { MethodsContext, MethodsRecord } from './methods-record.js';
export { buildMethodsRecord } from './methods-record.js';

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const MARK = { done: '[x]', todo: '[ ]', 'n/a': 'n/a' } as const;

/** Render a methods record as Markdown (METHODS.md). */
export function renderMethodsMarkdown(r: MethodsRecord): string {
  const L: string[] = ['# Methods', ''];
  L.push('## Methods paragraph (ready to paste)', '', r.paragraph, '');
  L.push('## Software', '');
  const from = {
    'run.json': 'run.json (the run that produced these results)',
    'this process': 'the process that wrote this record (no run.json)',
    'run.json and this process': 'run.json (ScopePilot, Node.js) and the process that wrote this record (libraries)',
  }[r.software.source];
  L.push(`Versions from ${from}.`, '');
  for (const [k, v] of Object.entries(r.software.versions)) L.push(`- ${k}: ${v}`);
  L.push(`- recipe format: version ${r.software.recipeVersion}`);
  if (r.date)
    L.push(
      `- run: ${[r.date.startedAt && `started ${r.date.startedAt}`, r.date.finishedAt && `finished ${r.date.finishedAt}`].filter(Boolean).join(', ')}`,
    );
  L.push('');
  const d = r.data;
  L.push('## Data', '');
  L.push(`- Folder: ${d.root}`);
  L.push(
    `- Channels: DNA = ${d.channels.dna}${d.channels.marker ? `, marker = ${d.channels.marker}` : ''}${d.channels.cell ? `, cell outline = ${d.channels.cell}` : ''}`,
  );
  L.push(`- Pixel size: ${d.pixelSizeUm ? `${d.pixelSizeUm} µm` : 'unknown (sizes in pixels)'}`);
  if (d.format || d.bitDepth) L.push(`- Format: ${[d.format, d.bitDepth ? `${d.bitDepth}-bit` : ''].filter(Boolean).join(', ')}`);
  if (d.imageSets !== undefined)
    L.push(
      `- Image sets: ${d.imageSets}${d.wells ? ` in ${d.wells} wells` : ''}${d.plates?.length ? ` on ${d.plates.length} plate(s): ${d.plates.join(', ')}` : ''}`,
    );
  if (d.conditions?.length) L.push(`- Conditions: ${d.conditions.join(', ')}`);
  if (d.preset || d.pattern)
    L.push(`- File naming: ${d.preset ? `preset ${d.preset}` : ''}${d.pattern ? ` pattern \`${d.pattern}\`` : ''}`);
  L.push(`- Plate map: ${d.plateMap ?? 'none'}`);
  for (const [k, v] of Object.entries(d.metadata)) L.push(`- ${k}: ${v}`);
  L.push('');
  L.push('## Question', '');
  L.push(`- Type: ${r.question.type}${r.question.text ? ` ("${r.question.text}")` : ''}`);
  if (r.question.compartment) L.push(`- Compartment: ${r.question.compartment}`);
  L.push(`- Expected effect: ${r.question.expectedEffectPct !== undefined ? `${r.question.expectedEffectPct}%` : 'not given'}`);
  L.push(`- Tolerated analysis error: ${r.question.toleratedErrorPct !== undefined ? `${r.question.toleratedErrorPct}%` : 'not given'}`);
  L.push('');
  L.push('## Workflow', '', '```');
  L.push(r.stages.map((s) => s.title).join('\n   |\n   v\n'));
  L.push('```', '');
  L.push('## Stages, in order of operations', '');
  for (const [i, s] of r.stages.entries()) {
    L.push(`### ${i + 1}. ${s.title}`, '', s.summary, '');
    if (s.params.length) {
      L.push('| Parameter | Value | Source | Why |', '|---|---|---|---|');
      for (const p of s.params)
        L.push(
          `| ${cell(p.label)} (\`${p.path}\`) | ${cell(p.value ?? '(unset)')} | ${p.source}${p.recommended !== undefined ? ` (recommended: ${cell(p.recommended)})` : ''} | ${cell(p.why ?? '')} |`,
        );
      L.push('');
    }
  }
  L.push('## Data and question parameters', '', '| Parameter | Value | Source | Why |', '|---|---|---|---|');
  const staged = new Set(r.stages.flatMap((s) => s.params.map((p) => p.path)));
  for (const p of r.parameters.filter((x) => !staged.has(x.path)))
    L.push(`| ${cell(p.label)} (\`${p.path}\`) | ${cell(p.value ?? '(unset)')} | ${p.source} | ${cell(p.why ?? '')} |`);
  L.push('');
  if (r.decisions.length) {
    L.push('### Other decisions', '');
    for (const x of r.decisions)
      L.push(
        `- ${x.step}: ${x.label ?? x.field}: ${String(x.value)} (${x.changed ? 'changed' : 'recommended'}${x.why ? `; ${x.why}` : ''})`,
      );
    L.push('');
  }
  L.push(
    '## Subset',
    '',
    r.subset.ids.length
      ? `${r.subset.ids.length} image sets, ${r.subset.how}.`
      : 'No subset was recorded (the recipe was written without the wizard).',
    '',
  );
  if (r.subset.ids.length) L.push(r.subset.ids.map((x) => `\`${x}\``).join(', '), '');
  L.push('## Quality control and exclusions', '');
  if (r.qc.imagesAnalysed !== undefined) L.push(`- Image sets with results: ${r.qc.imagesAnalysed}`);
  if (r.qc.levels)
    L.push(`- Worst QC verdict per image set: ${r.qc.levels.ok} ok, ${r.qc.levels.warn} doubtful, ${r.qc.levels.fail} failing`);
  L.push(`- Policy: ${r.qc.policy}`);
  L.push(`- Excluded: ${r.qc.excluded.length}${r.qc.excluded.length ? '' : ' (none)'}${byCheck(r.qc.excluded.map((e) => e.reason))}`);
  listed(
    L,
    r.qc.excluded.map((e) => `${e.id}: ${e.reason || 'QC verdict'}`),
    'qc.csv (QC_Excluded, QC_Reason) and methods.json list every one with its reason',
  );
  L.push(`- Failed (failures.csv): ${r.qc.failed}`);
  listed(
    L,
    r.qc.failures.map((f) => `${f.id}${f.stage ? ` (${f.stage})` : ''}: ${f.reason}`),
    'failures.csv and methods.json list every one with its reason',
  );
  L.push('');
  L.push('## Size and border filters', '');
  const dis = r.sizeFilter.discarded;
  L.push(
    dis
      ? `Removed over all images: ${dis.small ?? '?'} too small, ${dis.large ?? '?'} too large, ${dis.border ?? '?'} touching the edge.`
      : 'Numbers removed were not recorded in images.csv.',
    '',
    r.sizeFilter.caveat,
    '',
  );
  L.push('## Statistics', '');
  L.push(
    `- Unit of comparison: ${r.statistics.unit}`,
    `- Normalisation: ${r.statistics.normalisation}`,
    `- Controls: ${r.statistics.controls.join(', ') || 'from the plate map (control column)'}`,
  );
  for (const x of r.statistics.lines) L.push(`- ${x}`);
  if (r.statistics.tolerance) L.push('', r.statistics.tolerance);
  L.push('');
  L.push('## Validation', '', r.validation ? r.validation.summary : 'No comparison with hand-made labels was recorded.', '');
  L.push('## Blinding', '', r.blinding.text, '');
  L.push('## Limitations', '');
  for (const x of r.limitations) L.push(`- ${x}`);
  L.push('');
  L.push('## Reporting checklist', '');
  L.push(
    'After Schmied et al. (2024) for the image analysis, and REMBI / Jost & Waters for the experiment. `[x]` done (evidence given), `[ ]` to do by the author, n/a not applicable.',
    '',
  );
  let tier = '';
  for (const c of r.checklist) {
    if (c.tier !== tier) {
      tier = c.tier;
      L.push('', `**${tier}**`, '');
    }
    L.push(`- ${MARK[c.status]} ${c.item}: ${c.note}`);
  }
  L.push('', '## References', '');
  for (const ref of r.references) L.push(`- ${ref}`);
  return `${L.join('\n')}\n`;
}

async function thresholdEntry(id: string): Promise<{ name?: string; citation?: string } | undefined> {
  try {
    const spec = '../ops/threshold/registry.js';
    const m = (await import(/* @vite-ignore */ new URL(spec, import.meta.url).href)) as {
      THRESHOLDS?: Record<string, { name?: string; citation?: string }>;
    };
    const e = m.THRESHOLDS?.[id];
    return e ? { name: e.name, citation: e.citation } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Write METHODS.md and methods.json into `outDir` for `recipe` (validated with parseRecipe),
 * using whatever the folder holds (run.json, images.csv, qc.csv, failures.csv, validation.json)
 * and the wizard's `context` (decisions, blinding, scan facts; all optional). `o.folder`: the
 * folder already read (readOutputFolder), so a caller writing the report too reads it once.
 * @returns the Markdown and the JSON record written.
 */
export async function writeMethods(
  outDir: string,
  recipe: Record<string, unknown> | Recipe,
  context: Record<string, unknown> = {},
  o: { folder?: OutputFolder } = {},
): Promise<{ md: string; json: MethodsRecord }> {
  const r = parseRecipe(recipe);
  const folder = o.folder ?? (await readOutputFolder(outDir));
  const facts = runFacts(folder, { hasPreviews: existsSync(join(outDir, 'previews')), hasLabels: existsSync(join(outDir, 'labels')) });
  const ctx = { ...(context as MethodsContext) };
  if (!ctx.validation && folder.validation) ctx.validation = validationFrom(folder.validation);
  if (!ctx.threshold) {
    const t = await thresholdEntry(String(r.stages.objects.nuclei.threshold));
    if (t) ctx.threshold = t;
  }
  if (!ctx.model && r.stages.objects.nuclei.method === 'model') {
    const spec = r.stages.objects.nuclei.model ?? 'builtin';
    try {
      ctx.model = await loadModelInfo(spec);
    } catch (err) {
      ctx.model = { spec, error: (err as Error).message };
    }
  }
  if (!ctx.statistics && folder.images?.length) {
    try {
      const opts = statsOptionsFromRecipe(r);
      if (ctx.validation?.countErrorPct !== undefined) opts.analysisErrorPct = ctx.validation.countErrorPct;
      const st = await summarise(folder, opts);
      ctx.statistics = { lines: [...st.warnings.map((w) => `Warning: ${w}`), ...st.lines], tolerance: st.tolerance };
    } catch {
      // statistics cannot be computed (e.g. no measure column): the record says nothing about results
    }
  }
  const record = buildMethodsRecord({ recipe: r, context: ctx, facts, environment: await currentEnvironment() });
  const md = renderMethodsMarkdown(record);
  await writeFileAtomic(join(outDir, 'methods.json'), `${JSON.stringify(record, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'METHODS.md'), md);
  return { md, json: record };
}

/** validation.json (written by `scopepilot validate`) -> the context's validation entry. */
function validationFrom(v: Record<string, unknown>): MethodsContext['validation'] {
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const m = (v.mean ?? v) as Record<string, unknown>;
  const out: NonNullable<MethodsContext['validation']> = {};
  const images = num(v.images) ?? (Array.isArray(v.perImage) ? v.perImage.length : undefined);
  if (images !== undefined) out.images = images;
  const f1 = num(m.f1);
  if (f1 !== undefined) out.f1 = f1;
  const ap = num(m.apDsb);
  if (ap !== undefined) out.apDsb = ap;
  const ce = num(m.countErrorPct);
  if (ce !== undefined) out.countErrorPct = ce;
  return out;
}

/**
 * Image sets named one per line, up to LISTED; past that the first LISTED and where the rest are.
 * A 20,000-set run excluded 972 empty tiles: listed whole, they were 1,000 of METHODS.md's 1,200
 * lines, where a reader wants the counts and the reasons.
 */
function listed(L: string[], lines: string[], where: string): void {
  const shown = lines.length > LISTED ? lines.slice(0, LISTED) : lines;
  for (const x of shown) L.push(`  - ${x}`);
  if (shown.length < lines.length) L.push(`  - ... and ${lines.length - shown.length} more: ${where}`);
}

const LISTED = 30;

/** " (empty 950, focus 22)": how many of `reasons` each check gave (the text before its first colon). */
function byCheck(reasons: string[]): string {
  if (reasons.length <= LISTED) return '';
  const n = new Map<string, number>();
  for (const r of reasons) {
    const check = /^([\w -]+):/.exec(r)?.[1] ?? 'QC verdict';
    n.set(check, (n.get(check) ?? 0) + 1);
  }
  return ` (${[...n]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')})`;
}
