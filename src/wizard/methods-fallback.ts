/**
 * A methods record written from the wizard's decisions alone, used when the engine's report
 * module (writeMethods) is not available. It says so at the top; it lists every decision in
 * data-flow order with its value, whether it was recommended or changed, and why.
 */
import { VERSION } from '../version.js';
import type { StepContext } from './fields.js';
import { wizardChoices } from './recipe.js';
import { stepSpec } from './steps.js';
import { STEP_IDS } from './types.js';

export function fallbackMethods(ctx: StepContext, now: string): string {
  const s = ctx.session;
  const scan = ctx.facts.scan?.value;
  const c = wizardChoices(ctx);
  const lines = [
    '# Methods (ScopePilot wizard record)',
    '',
    '> Written by the wizard from its decisions; the full methods record (engine report module) was not available in this build.',
    '',
    `- Software: ScopePilot ${VERSION}, Node.js ${process.version}, ${process.platform}/${process.arch}; ${now}.`,
    `- Input: ${s.input}${scan ? ` (${scan.imageSetCount} image sets, ${scan.plates.length} plate(s), channels ${scan.channels.join(', ')}${scan.bitDepth ? `, ${scan.bitDepth}-bit ${scan.format ?? ''}` : ''})` : ''}.`,
    `- Subset for parameter choice: ${c.subset.join(', ') || 'none'}.`,
    `- Excluded at quality control: ${
      Object.entries(c.excluded)
        .map(([k, v]) => `${k} (${v})`)
        .join('; ') || 'none'
    }.`,
    `- Blinding: ${s.revealedAt.length === 0 ? 'quality control and object finding were judged without seeing which condition an image belongs to' : `conditions were revealed by the user at: ${s.revealedAt.join(', ')}`}.`,
    '',
    '## Decisions, in order of operations',
    '',
  ];
  for (const step of STEP_IDS) {
    const ds = s.decisions.filter((d) => d.step === step);
    if (ds.length === 0) continue;
    lines.push(`### ${stepSpec(step).title}`, '');
    for (const d of ds) lines.push(`- ${d.label}: **${String(d.value)}** (${d.changed ? 'changed' : 'recommended'}; ${d.why})`);
    lines.push('');
  }
  if (s.template) {
    lines.push(
      '## Facility template',
      '',
      `Template: ${s.template.name ?? 'unnamed'}; outputs requested: ${s.template.outputs.join(', ') || 'none'}.`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
