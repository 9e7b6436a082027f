/**
 * The recipe the wizard's decisions give: the engine's default recipe for the scan and question
 * (what accepting every recommendation gives), with the user's decisions applied, validated by
 * the engine's schema. Without the engine's recipe module, a draft marked as such.
 */
import type { StepContext } from './fields.js';
import { type PortFinder, portFinder, type ScanResultPort } from './ports.js';
import { isExcluded } from './reducer.js';
import { resolvedValue } from './steps.js';
import { STEP_IDS } from './types.js';

/** Every decision the wizard holds, as plain values (used by the recipe and the methods record). */
export function wizardChoices(ctx: StepContext) {
  const all: Record<string, Record<string, string | number | boolean>> = {};
  for (const step of STEP_IDS) {
    for (const d of ctx.session.decisions.filter((x) => x.step === step && !x.field.includes(':'))) {
      all[step] = { ...(all[step] ?? {}), [d.field]: d.value };
    }
  }
  const policy = resolvedValue(ctx, 'qc', 'policy');
  const excluded = Object.fromEntries(
    (ctx.facts.qc?.value ?? [])
      .filter((r) => isExcluded(ctx.session, r, policy))
      .map((r) => [r.id, ctx.session.excluded[r.id] ?? r.verdicts.find((v) => v.level === r.worst)?.message ?? r.worst]),
  );
  return {
    values: all,
    excluded,
    subset: (ctx.facts.subset?.value ?? []).filter((p) => !ctx.session.dropped.includes(p.id)).map((p) => p.id),
  };
}

/** A draft recipe from the wizard's decisions alone (no engine recipe module). */
function draftRecipe(ctx: StepContext): Record<string, unknown> {
  const c = wizardChoices(ctx);
  return {
    draft: true,
    note: 'Written by the wizard without the engine recipe module; `scopepilot run` cannot use it yet.',
    input: ctx.session.input,
    question: resolvedValue(ctx, 'question', 'question'),
    channels: { dna: resolvedValue(ctx, 'data', 'dna'), marker: resolvedValue(ctx, 'data', 'marker') },
    ...c,
    decisions: ctx.session.decisions,
  };
}

/** Build (and validate) the recipe for the wizard's current decisions. */
export async function buildRecipe(
  ctx: StepContext,
  scan: ScanResultPort,
  ports: PortFinder = portFinder(),
): Promise<Record<string, unknown>> {
  const defaultRecipe = await ports.find('defaultRecipe');
  if (!defaultRecipe) return draftRecipe(ctx);
  const base = defaultRecipe(scan, { question: String(resolvedValue(ctx, 'question', 'question')) });
  // the user's changes go into the fields the runner reads, not only into the decisions list
  const apply = await ports.find('applyDecisions');
  const subset = (ctx.facts.subset?.value ?? []).map((p) => p.id).filter((id) => !ctx.session.dropped.includes(id));
  const applied = apply
    ? apply(base, ctx.session.decisions, {
        excluded: ctx.session.excluded,
        kept: ctx.session.kept,
        subset,
        ...(ctx.session.modelPath ? { model: ctx.session.modelPath } : {}),
      }).recipe
    : base;
  const recipe = { ...applied, decisions: ctx.session.decisions };
  const parse = await ports.find('parseRecipe');
  return parse ? parse(recipe) : recipe;
}
