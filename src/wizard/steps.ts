/**
 * WIZARD_STEPS: the wizard as data. Each row is one step: its id, title, help (novice words;
 * the expert version behind `?`), which earlier steps it depends on, which engine facts it
 * loads when entered (and from which inputs), and its settings with their recommendations.
 * Adding a step is adding a row (and its id in STEP_IDS).
 */
import type { FieldSpec, StepContext } from './fields.js';
import {
  backgroundField,
  cellsField,
  dnaField,
  markerField,
  measurementFields,
  methodField,
  normalisationField,
  questionFields,
  thresholdField,
  unitField,
} from './recommend.js';
import { type FactKey, STEP_IDS, type StepId } from './types.js';

export interface StepSpec {
  id: StepId;
  title: string;
  /** What this step is for, in novice words. */
  help: string;
  /** The same for experts (shown behind `?`). */
  expert: string;
  /** Earlier steps whose decisions this step uses (data-flow edges). */
  needs: StepId[];
  /** Facts loaded when the step is entered. */
  loads?: FactKey;
  /** The inputs those facts depend on, as a stable string; a different string means re-load. */
  inputs?: (ctx: StepContext) => string;
  /** The step's settings, resolved for the current context. */
  fields: (ctx: StepContext) => FieldSpec[];
  /** The step lists items the user can toggle (drop a subset pick, exclude an image at QC). */
  items?: 'subset' | 'qc';
  /** Conditions are hidden while the user judges this step (Jost & Waters 2019). */
  blind?: boolean;
}

const v = (ctx: StepContext, step: StepId, field: string) => resolvedValue(ctx, step, field);

export const WIZARD_STEPS: readonly StepSpec[] = [
  {
    id: 'question',
    title: 'What do you want to learn?',
    help: 'Your question decides what we look for, what we measure and which image problems matter.',
    expert:
      'Question -> detection vs segmentation, compartments, measurement sets, QC weighting; effect size and tolerated error set the accuracy target.',
    needs: [],
    fields: questionFields,
  },
  {
    id: 'data',
    title: 'Your images',
    help: 'What we found in the folder: plates, wells, channels. Tell us which channel shows the DNA.',
    expert: 'Folder scan: naming preset (regex), channel roles, pixel size (µm), plate map (condition per well).',
    needs: ['question'],
    loads: 'scan',
    inputs: (ctx) =>
      JSON.stringify([ctx.session.input, ctx.session.values.data?.preset ?? null, ctx.session.values.data?.plateMap ?? null]),
    fields: (ctx) => {
      const scan = ctx.facts.scan?.value;
      const presets = ctx.catalog.presets.length > 0 ? ctx.catalog.presets : scan ? scan.presets : [];
      const tpl = ctx.session.template;
      const fields: FieldSpec[] = [
        {
          id: 'preset',
          label: 'File naming',
          help: 'How plate, well, site and channel are read from the file names.',
          expert: 'Filename preset (regex with named groups).',
          kind: 'choice',
          choices: presets.map((p) => ({ value: p.id, label: p.name })),
          recommend:
            tpl?.preset !== undefined
              ? { value: tpl.preset, why: 'the facility template names this preset' }
              : {
                  value: scan?.presetId ?? '',
                  why: `detected from the file names (confidence ${Math.round((scan?.confidence ?? 0) * 100)}%)`,
                },
        },
        dnaField(ctx),
        markerField(ctx),
        {
          id: 'pixelSize',
          label: 'Pixel size (µm)',
          help: 'Needed for sizes in µm; without it sizes stay in pixels.',
          expert: 'Physical pixel size in the object plane (µm/pixel).',
          kind: 'text',
          recommend: scan?.pixelSizeUm
            ? { value: scan.pixelSizeUm, why: 'read from the image metadata' }
            : { value: '', why: 'the images do not say; sizes will be in pixels unless you type it (e to edit)' },
        },
        {
          id: 'plateMap',
          label: 'Plate map (CSV)',
          help: 'Which condition is in which well. Needed to compare conditions.',
          expert: 'Plate map CSV: plate, well, condition, control, replicate columns.',
          kind: 'text',
          recommend: scan?.plateMapPath
            ? { value: scan.plateMapPath, why: 'found a plate map in the folder' }
            : { value: '', why: 'none found; without one, results are per well only' },
        },
      ];
      for (const m of tpl?.metadata ?? []) {
        fields.push({
          id: `meta.${m.id}`,
          label: m.label,
          help: 'Asked by your facility; goes into the methods record.',
          expert: 'REMBI metadata field from the facility template.',
          kind: 'text',
          required: m.required,
          recommend: { value: '', why: 'asked by the facility template' },
        });
      }
      return fields;
    },
  },
  {
    id: 'subset',
    title: 'A small set of images to try things on',
    help: 'We picked images that represent the whole experiment (not the first or prettiest). Drop any you do not want.',
    expert: 'Representative subset: stratified over plates/wells plus intensity and focus extremes; seeded, reproducible.',
    needs: ['data'],
    loads: 'subset',
    inputs: (ctx) => JSON.stringify([ctx.facts.scan?.key ?? '', v(ctx, 'data', 'preset'), v(ctx, 'subset', 'size')]),
    items: 'subset',
    fields: (ctx) => {
      const n = ctx.facts.scan?.value.imageSetCount ?? 8;
      const rec = Math.min(8, Math.max(1, n));
      const sizes = [...new Set([4, 6, 8, 12, 16, rec])].filter((x) => x <= Math.max(n, 1)).sort((a, b) => a - b);
      return [
        {
          id: 'size',
          label: 'Images in the subset',
          help: 'More images catch more surprises but make each preview slower.',
          expert: 'Subset size n (pickSubset).',
          kind: 'choice',
          choices: sizes.map((s) => ({ value: s, label: String(s) })),
          recommend: { value: rec, why: 'enough to span plates, wells and extremes; previews stay within a second or two' },
        },
      ];
    },
  },
  {
    id: 'qc',
    title: 'Image quality',
    help: 'Blurry, saturated or empty images give wrong numbers. Exclude the bad ones (x) or keep them.',
    expert: 'Per-image QC: focus (power-log-log slope), saturation, SNR, illumination; absolute rules plus robust z-score outliers.',
    needs: ['subset', 'question'],
    loads: 'qc',
    inputs: (ctx) => JSON.stringify([ctx.facts.subset?.key ?? '', ctx.session.dropped, v(ctx, 'data', 'dna')]),
    items: 'qc',
    blind: true,
    fields: () => [
      {
        id: 'policy',
        label: 'For the whole run',
        help: 'What to do with images that fail QC when every image is analysed.',
        expert: 'Run-time QC exclusion policy.',
        kind: 'choice',
        choices: [
          { value: 'exclude-fail', label: 'exclude failing images' },
          { value: 'exclude-warn', label: 'exclude failing and doubtful images' },
          { value: 'keep-all', label: 'keep all (flag only)' },
        ],
        recommend: {
          value: 'exclude-fail',
          why: 'failing images give wrong numbers; doubtful ones are flagged in qc.csv so you can check them',
        },
      },
    ],
  },
  {
    id: 'preprocess',
    title: 'Cleaning up the images',
    help: 'Uneven lighting and noise can be corrected before finding objects. Left: before, right: after.',
    expert: 'Background subtraction (rolling ball / top-hat), Gaussian smoothing before thresholding.',
    needs: ['qc'],
    loads: 'preprocess',
    inputs: (ctx) =>
      JSON.stringify([
        ctx.facts.qc?.key ?? '',
        ctx.session.excluded,
        v(ctx, 'preprocess', 'background'),
        v(ctx, 'preprocess', 'smoothing'),
      ]),
    fields: (ctx) => [
      backgroundField(ctx),
      {
        id: 'smoothing',
        label: 'Smoothing',
        help: 'A little blur removes pixel noise so objects are found whole.',
        expert: 'Gaussian sigma (px) before thresholding; auto = a quarter of the estimated diameter / 4.',
        kind: 'choice',
        choices: [
          { value: 'auto', label: 'automatic' },
          { value: 0, label: 'none' },
          { value: 1, label: '1 px' },
          { value: 2, label: '2 px' },
          { value: 3, label: '3 px' },
        ],
        recommend: { value: 'auto', why: 'scaled to the size of the nuclei found on the subset' },
      },
    ],
  },
  {
    id: 'objects',
    title: 'Finding the nuclei',
    help: 'Check the outlines: one per nucleus, and touching nuclei split apart.',
    expert: 'Threshold (registry) -> fill holes -> declump (watershed on distance transform or intensity) -> size filter.',
    needs: ['preprocess', 'question'],
    loads: 'objects',
    inputs: (ctx) =>
      JSON.stringify([
        ctx.facts.preprocess?.key ?? '',
        ...['method', 'threshold', 'diameter', 'declump', 'sizeFilter', 'cells'].map((f) => v(ctx, 'objects', f)),
      ]),
    blind: true,
    fields: (ctx) => {
      const est = ctx.facts.objects?.value.recommend.diameter;
      const method = methodField(ctx);
      const model = (ctx.session.values.objects?.method ?? method.recommend.value) === 'model';
      const fields: FieldSpec[] = [
        method,
        // the classical settings are hidden while the model finds the nuclei (it does not use them)
        ...(model ? [] : [thresholdField(ctx)]),
        {
          id: 'diameter',
          label: 'Nucleus size (px)',
          help: 'Typical nucleus diameter; decides smoothing, splitting and the size filter.',
          expert: 'Expected object diameter in pixels (auto: estimated from the subset).',
          kind: 'choice',
          choices: [{ value: 'auto', label: 'automatic' }, ...[8, 12, 16, 20, 24, 32, 48, 64].map((d) => ({ value: d, label: `${d} px` }))],
          recommend: { value: 'auto', why: est ? `estimated from the subset: ${est.why}` : 'estimated from the subset' },
        },
      ];
      if (!model)
        fields.push(
          {
            id: 'declump',
            label: 'Split touching nuclei',
            help: 'Nuclei touching each other are split by their shape or by dimmer lines between them.',
            expert: 'Declumping: watershed on the distance transform (shape) or on intensity; none.',
            kind: 'choice',
            choices: [
              { value: 'shape', label: 'by shape' },
              { value: 'intensity', label: 'by intensity' },
              { value: 'none', label: 'do not split' },
            ],
            recommend: { value: 'shape', why: 'round nuclei that touch are reliably split by shape' },
          },
          {
            id: 'sizeFilter',
            label: 'Drop too small / too large',
            help: 'Debris and clumps outside the expected size are not counted.',
            expert: 'Size filter (area limits from the diameter: 0.5x to 2.5x).',
            kind: 'choice',
            choices: [
              { value: 'auto', label: 'yes, from the nucleus size' },
              { value: 'off', label: 'no, count everything' },
            ],
            recommend: { value: 'auto', why: 'debris and clumps would bias counts; what is dropped is listed below' },
          },
        );
      const cells = cellsField(ctx);
      if (cells) fields.push(cells);
      return fields;
    },
  },
  {
    id: 'measurements',
    title: 'What to measure',
    help: 'Recommended for your question; each line says what it means.',
    expert: 'CellProfiler-named measurement modules: AreaShape, Intensity, Texture, Correlation.',
    needs: ['question', 'objects', 'data'],
    fields: measurementFields,
  },
  {
    id: 'statistics',
    title: 'Comparing conditions',
    help: 'What counts as one independent sample, and what each condition is compared with.',
    expert: 'Unit of comparison (avoid pseudo-replication), normalisation to controls, pilot effect and variability.',
    needs: ['measurements', 'data'],
    loads: 'statistics',
    inputs: (ctx) => JSON.stringify([ctx.facts.objects?.key ?? '', v(ctx, 'statistics', 'unit'), v(ctx, 'statistics', 'normalisation')]),
    fields: (ctx) => [unitField(ctx), normalisationField(ctx)],
  },
  {
    id: 'run',
    title: 'Analyse every image',
    help: 'Run the accepted recipe on the whole data set now, or write a job script for the cluster.',
    expert: 'runRecipe with worker threads, or an sbatch array script (one shard per task) plus a merge job.',
    needs: ['statistics', 'objects', 'qc', 'measurements'],
    fields: (ctx) => {
      const n = ctx.facts.scan?.value.imageSetCount ?? 0;
      return [
        {
          id: 'mode',
          label: 'How',
          help: 'Small data sets run here in minutes; large ones belong on the cluster.',
          expert: 'Local workers or SLURM array job.',
          kind: 'choice',
          choices: [
            { value: 'run-now', label: 'run now, here' },
            { value: 'slurm', label: 'write a SLURM job script' },
            { value: 'later', label: 'only save the recipe' },
          ],
          recommend:
            n <= 2000
              ? { value: 'run-now', why: `${n} image sets take minutes on this machine` }
              : { value: 'slurm', why: `${n} image sets are better split over cluster nodes` },
        },
      ];
    },
  },
  {
    id: 'done',
    title: 'Done',
    help: 'Where everything is, what was done (METHODS.md) and how to run it again.',
    expert: 'Outputs, methods record, re-run command.',
    needs: ['run'],
    loads: 'run',
    inputs: (ctx) =>
      JSON.stringify([ctx.session.values, ctx.session.excluded, ctx.session.kept, ctx.session.dropped, ctx.facts.statistics?.key ?? '']),
    fields: () => [],
  },
];

if (WIZARD_STEPS.map((s) => s.id).join() !== STEP_IDS.join()) throw new Error('WIZARD_STEPS and STEP_IDS disagree');

/** The row of a step. */
export function stepSpec(id: StepId): StepSpec {
  const s = WIZARD_STEPS.find((x) => x.id === id);
  if (!s) throw new Error(`unknown step ${id}`);
  return s;
}

export function stepIndex(id: StepId): number {
  return STEP_IDS.indexOf(id);
}

/** A field's effective value by step and id ('' when the field does not exist in this context). */
export function resolvedValue(ctx: StepContext, step: StepId, field: string): string | number | boolean {
  const spec = stepSpec(step)
    .fields(ctx)
    .find((f) => f.id === field);
  if (!spec) return '';
  const u = ctx.session.values[step]?.[field];
  return u === undefined ? spec.recommend.value : u;
}

/** Steps that depend on `id`, directly or through others, in data-flow order. */
export function dependents(id: StepId): StepId[] {
  const out = new Set<StepId>();
  for (const s of WIZARD_STEPS) {
    if (s.needs.some((n) => n === id || out.has(n))) out.add(s.id);
  }
  return STEP_IDS.filter((s) => out.has(s));
}
