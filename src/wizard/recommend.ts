/**
 * Recommendation logic of the wizard's settings: each function returns a field with the value
 * we suggest and why, from the question, the scan and the engine's previews.
 */
import { basename } from 'node:path';
import { type FieldSpec, type StepContext, YES_NO } from './fields.js';
import { resolvedValue } from './steps.js';

export const QUESTIONS = [
  { value: 'count', label: 'Count objects', help: 'how many nuclei or cells per image, well or condition' },
  { value: 'size', label: 'Size and shape', help: 'how big and how round the objects are' },
  { value: 'intensity', label: 'How much stain, and where', help: 'stain amount in nucleus, cytoplasm or membrane' },
  { value: 'coloc', label: 'Colocalization', help: 'whether two stains are in the same places' },
  { value: 'phenotype', label: 'Classify phenotypes', help: 'which cells look different (many features)' },
] as const;

/** The question step: question, compartment, expected change, tolerated error, template questions. */
export function questionFields(ctx: StepContext): FieldSpec[] {
  const q = String(ctx.session.values.question?.question ?? 'count');
  const effect = Number(ctx.session.values.question?.effect ?? 20);
  const tol = Math.max(1, Math.round(effect / 3));
  const fields: FieldSpec[] = [
    {
      id: 'question',
      label: 'Question',
      help: 'What you want to learn decides what is found and measured.',
      expert: 'Analysis type: detection/count, morphology, intensity, colocalization, profiling.',
      kind: 'choice',
      choices: QUESTIONS.map((x) => ({ ...x })),
      recommend: { value: 'count', why: 'counting is the most robust start; change it if you need more' },
    },
  ];
  if (q === 'intensity' || q === 'coloc') {
    fields.push({
      id: 'compartment',
      label: 'Where',
      help: 'Which part of the cell the stain is measured in.',
      expert: 'Measured compartment (nuclei = primary objects; cells/cytoplasm = secondary objects).',
      kind: 'choice',
      choices: [
        { value: 'nucleus', label: 'nucleus' },
        { value: 'cytoplasm', label: 'cytoplasm' },
        { value: 'membrane', label: 'membrane (cell edge)' },
        { value: 'cell', label: 'whole cell' },
      ],
      recommend: { value: 'nucleus', why: 'nuclei are found most reliably; choose another compartment if your stain is elsewhere' },
    });
  }
  fields.push(
    {
      id: 'effect',
      label: 'Expected change',
      help: 'How big a difference between conditions you expect to see.',
      expert: 'Expected effect size (relative difference vs control).',
      kind: 'choice',
      choices: [5, 10, 20, 30, 50, 100].map((x) => ({ value: x, label: `about ${x}%` })),
      recommend: { value: 20, why: 'a typical effect in a screen; say what you expect' },
    },
    {
      id: 'tolerance',
      label: 'Tolerated error',
      help: `A ${effect}% change needs a measurement error well below ${effect}%.`,
      expert: 'Maximum acceptable analysis error (e.g. count error vs ground truth), about a third of the effect.',
      kind: 'choice',
      choices: [...new Set([2, 3, 5, 7, 10, 15, 20, 30, tol])].sort((a, b) => a - b).map((x) => ({ value: x, label: `${x}%` })),
      recommend: { value: tol, why: `a third of the expected ${effect}% change, so the analysis can resolve it` },
    },
  );
  for (const t of ctx.session.template?.questions ?? []) {
    fields.push({
      id: `tpl.${t.id}`,
      label: t.label,
      help: 'Asked by your facility; goes into the methods record.',
      expert: 'Facility template question.',
      kind: t.choices ? 'choice' : 'text',
      ...(t.choices ? { choices: t.choices.map((c) => ({ value: c, label: c })) } : {}),
      required: t.required,
      recommend: { value: t.choices?.[0] ?? '', why: 'asked by the facility template' },
    });
  }
  return fields;
}

/** What the question implies, in plain words. */
export function implication(ctx: StepContext): string {
  const effect = Number(resolvedValue(ctx, 'question', 'effect'));
  const tol = Number(resolvedValue(ctx, 'question', 'tolerance'));
  const ok = tol < effect / 2;
  return `A ${effect}% change needs measurement error well below ${effect}%; we aim for ${tol}%.${ok ? '' : ' That tolerance is too close to the effect to resolve it reliably.'}`;
}

const DNA_NAMES = /dapi|hoechst|dna|nuc|draq5|syto|w1|ch0?1\b|c0?1\b|blue/i;

export function dnaField(ctx: StepContext): FieldSpec {
  const chans = ctx.facts.scan?.value.channels ?? [];
  const hit = chans.find((c) => DNA_NAMES.test(c));
  return {
    id: 'dna',
    label: 'DNA channel',
    help: 'The channel that shows the nuclei (DAPI, Hoechst ...).',
    expert: 'Channel role: nuclear stain used for primary object segmentation.',
    kind: 'choice',
    choices: chans.map((c) => ({ value: c, label: c })),
    recommend: hit
      ? { value: hit, why: `"${hit}" looks like a DNA stain by its name` }
      : { value: chans[0] ?? '', why: 'the first channel; change it if the nuclei are in another one' },
  };
}

export function markerField(ctx: StepContext): FieldSpec {
  const chans = ctx.facts.scan?.value.channels ?? [];
  const dna = String(ctx.session.values.data?.dna ?? dnaField(ctx).recommend.value);
  const other = chans.find((c) => c !== dna);
  return {
    id: 'marker',
    label: 'Marker channel',
    help: 'The stain you want to measure besides the DNA (if any).',
    expert: 'Channel role: measured marker; also used to find cell outlines when cells are needed.',
    kind: 'choice',
    choices: [...chans.filter((c) => c !== dna).map((c) => ({ value: c, label: c })), { value: 'none', label: 'none' }],
    recommend: other
      ? { value: other, why: `"${other}" is the other channel in the folder` }
      : { value: 'none', why: 'there is only one channel' },
  };
}

export function backgroundField(ctx: StepContext): FieldSpec {
  const eng = ctx.facts.preprocess?.value.recommend.background;
  const uneven = ctx.facts.qc?.value.some((r) =>
    r.verdicts.some((x) => /illum|vignet|uneven|background/i.test(x.check) && x.level !== 'ok'),
  );
  const rec =
    eng ??
    (uneven
      ? { value: 'rolling-ball', why: 'QC found uneven lighting on the subset' }
      : { value: 'none', why: 'the subset looks evenly lit' });
  return {
    id: 'background',
    label: 'Even out the lighting',
    help: 'Removes a brighter centre or a bright haze so dim and bright areas are treated alike.',
    expert: 'Background subtraction: rolling ball (Sternberg 1983) or white top-hat; radius from the diameter.',
    kind: 'choice',
    choices: [
      { value: 'none', label: 'no correction' },
      { value: 'rolling-ball', label: 'rolling ball' },
      { value: 'tophat', label: 'top-hat' },
    ],
    recommend: rec,
  };
}

export function thresholdField(ctx: StepContext): FieldSpec {
  const list = ctx.catalog.thresholds;
  const eng = ctx.facts.objects?.value.recommend.threshold;
  const sqrt = list.find((t) => t.id === 'otsu-sqrt');
  return {
    id: 'threshold',
    label: 'Brightness cut-off',
    help: 'Pixels brighter than the cut-off belong to nuclei; methods differ in how the cut-off is chosen.',
    expert: `Global threshold method (${list.map((t) => t.id).join(', ')}); foreground is value > threshold.`,
    kind: 'choice',
    choices: list.map((t) => ({ value: t.id, label: t.name, help: t.description })),
    recommend: eng ?? {
      value: sqrt ? 'otsu-sqrt' : (list[0]?.id ?? 'otsu'),
      why: sqrt
        ? 'Otsu on square-root brightness splits nuclei from background without letting a few very bright objects hide the dim ones (the most accurate on the test data)'
        : 'Otsu splits pixels into two brightness groups (nuclei, background); it suits bright nuclei on a dark background',
    },
  };
}

/** Cells (secondary objects) only when the question needs a compartment beyond the nucleus. */
export function cellsField(ctx: StepContext): FieldSpec | undefined {
  const comp = String(resolvedValue(ctx, 'question', 'compartment'));
  const q = String(resolvedValue(ctx, 'question', 'question'));
  if (!(comp === 'cytoplasm' || comp === 'membrane' || comp === 'cell' || q === 'phenotype')) return undefined;
  const marker = String(resolvedValue(ctx, 'data', 'marker'));
  return {
    id: 'cells',
    label: 'Cell outlines',
    help: 'Cells are grown outward from each nucleus, following the marker stain or a fixed distance.',
    expert: 'Secondary objects: propagation (Jones et al. 2005) on the marker channel, or distance-limited expansion.',
    kind: 'choice',
    choices: [
      { value: 'propagate', label: 'follow the marker stain' },
      { value: 'expand', label: 'a ring around each nucleus' },
    ],
    recommend:
      marker !== 'none'
        ? { value: 'propagate', why: `the marker channel "${marker}" shows the cell edges` }
        : { value: 'expand', why: 'there is no marker channel to follow' },
  };
}

export function unitField(ctx: StepContext): FieldSpec {
  const wells = ctx.facts.scan?.value.wells.length ?? 0;
  return {
    id: 'unit',
    label: 'One sample is',
    help: 'Objects in one well are not independent; comparing wells (or replicates) avoids false certainty.',
    expert: 'Unit of comparison / aggregation level (pseudo-replication, Lazic 2010).',
    kind: 'choice',
    choices: [
      { value: 'well', label: 'a well' },
      { value: 'image', label: 'an image' },
      { value: 'replicate', label: 'a replicate' },
      { value: 'object', label: 'an object (not independent!)' },
    ],
    recommend:
      wells > 1
        ? { value: 'well', why: 'wells are the independent samples here; objects and images in one well are not' }
        : { value: 'image', why: 'no wells were found in the file names' },
  };
}

export function normalisationField(ctx: StepContext): FieldSpec {
  const controls = ctx.facts.scan?.value.wells.some((w) => w.control) ?? false;
  return {
    id: 'normalisation',
    label: 'Compare with',
    help: 'Expressing results relative to control wells on the same plate removes plate-to-plate drift.',
    expert: 'Normalisation: none, % of control (per plate), robust z-score (median/MAD of controls).',
    kind: 'choice',
    choices: [
      { value: 'percent-of-control', label: '% of control wells' },
      { value: 'robust-z', label: 'robust z-score to controls' },
      { value: 'none', label: 'raw values' },
    ],
    recommend: controls
      ? { value: 'percent-of-control', why: 'the plate map marks control wells' }
      : { value: 'none', why: 'no control wells are marked in the plate map' },
  };
}

/**
 * Classical or the built-in deep-learning model. Recommended from the pilot's label images when
 * there are some (src/wizard/compare.ts: the one within tolerance, classical when both are).
 */
export function methodField(ctx: StepContext): FieldSpec {
  const rec = ctx.facts.objects?.value.recommend.method;
  return {
    id: 'method',
    label: 'Method',
    help: 'Classical: cut-off and split by shape. Model: a network trained on other images.',
    expert: "classical segmentNuclei, or ScopePilot's nuclei U-Net (BioImage Model Zoo package, ONNX; models/nuclei)",
    kind: 'choice',
    choices: [
      { value: 'classical', label: 'classical', help: 'threshold, fill holes, split by shape, size filter' },
      ctx.session.modelPath
        ? {
            value: 'model',
            label: `deep-learning model (${basename(ctx.session.modelPath)})`,
            help: `the package given with --model (${ctx.session.modelPath}); check it on your images`,
          }
        : {
            value: 'model',
            label: 'deep-learning model (builtin)',
            help: 'U-Net trained on BBBC039 and DSB2018 nuclei; check it on your images',
          },
    ],
    recommend: rec ?? {
      value: 'classical',
      why: 'no label images to compare the two with; classical is the default (look at the model outlines too)',
    },
  };
}

/** The measurement modules recommended for the question (the measurements step). */
export function measurementFields(ctx: StepContext): FieldSpec[] {
  const q = String(resolvedValue(ctx, 'question', 'question'));
  const marker = String(resolvedValue(ctx, 'data', 'marker'));
  const f = (id: string, label: string, help: string, expert: string, rec: boolean, why: string): FieldSpec => ({
    id,
    label,
    help,
    expert,
    kind: 'choice',
    choices: YES_NO,
    recommend: { value: rec ? 'yes' : 'no', why },
  });
  const fields = [
    f(
      'shape',
      'Size and shape',
      'area, perimeter, roundness of each object',
      'AreaShape_*',
      true,
      'cheap, and needed to check the size filter',
    ),
    f(
      'intensity',
      'Stain intensity',
      'how bright each object is in each channel (mean, total)',
      'Intensity_* per channel',
      q === 'intensity' || q === 'coloc' || q === 'phenotype' || marker !== 'none',
      q === 'intensity' ? 'your question is about stain amount' : 'a marker channel is present',
    ),
    f(
      'texture',
      'Texture',
      'how grainy or smooth the stain looks',
      'Haralick texture (Texture_*)',
      q === 'phenotype',
      q === 'phenotype' ? 'phenotypes often differ in texture' : 'not needed for your question',
    ),
  ];
  if (q === 'coloc')
    fields.push(
      f('coloc', 'Colocalization', 'whether two stains are in the same places', 'Pearson, Manders (Correlation_*)', true, 'your question'),
    );
  return fields;
}
