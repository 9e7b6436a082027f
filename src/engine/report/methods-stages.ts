/**
 * The stages of the methods record, in order of operations: each with its parameters (recommended
 * or changed), a one-line summary and the citations of its algorithms.
 */
import type { Recipe } from '../pipeline/recipe.js';
import { THRESHOLD_NAMES } from './citations.js';
import type { RunFacts } from './facts.js';
import { isModelField, modelObjectsSummary, modelStageSummary } from './methods-model.js';
import type { MethodsContext, MethodsStage } from './methods-record.js';
import type { MethodsParam } from './params.js';

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, '');
}

function byPrefix(params: MethodsParam[], prefix: string): MethodsParam[] {
  return params.filter((p) => p.path.startsWith(prefix));
}

export function stagesOf(recipe: Recipe, params: MethodsParam[], ctx: MethodsContext, facts: RunFacts): MethodsStage[] {
  const s = recipe.stages;
  const n = s.objects.nuclei;
  const thrName = ctx.threshold?.name ?? THRESHOLD_NAMES[n.threshold] ?? n.threshold;
  const stages: MethodsStage[] = [];
  const rules = Object.entries(s.qc.rules);
  stages.push({
    id: 'qc',
    title: 'Image quality control',
    summary: s.qc.enabled
      ? `Each image set was checked for focus, saturation, emptiness and outlying intensity (absolute rules${rules.length ? `: ${rules.map(([k, v]) => `${k} ${v}`).join(', ')}` : ' at their defaults'}, plus robust z-score outliers over the data set). Policy: ${s.qc.policy === 'exclude-fail' ? 'images with a failing verdict were excluded' : s.qc.policy === 'exclude-warn' ? 'images with a failing or doubtful verdict were excluded' : 'no image was excluded; verdicts were recorded only'}.`
      : 'Quality control was switched off; every image set was analysed.',
    params: byPrefix(params, 'stages.qc.'),
    citations: [],
  });
  const bg: string = s.preprocess.background;
  const sm = s.preprocess.smoothing;
  stages.push({
    id: 'preprocess',
    title: 'Preprocessing (for object finding only)',
    summary: `${bg === 'none' ? 'No background subtraction' : bg === 'auto' ? 'Background subtraction chosen per image from the nucleus size' : `Background was subtracted (${bg === 'rolling-ball' ? 'rolling ball' : 'white top-hat'})`}; ${n.method === 'model' ? 'the DNA channel was not smoothed (the model takes the normalised image)' : `the DNA channel was smoothed with a Gaussian filter (sigma ${sm === 'auto' ? 'scaled to the nucleus diameter' : `${sm} px`})`}. Measurements use the raw, uncorrected pixel values.`,
    params: byPrefix(params, 'stages.preprocess.'),
    citations: [
      ...(n.method === 'model' ? [] : ['gaussian']),
      ...(bg === 'rolling-ball' ? ['rollingBall'] : bg === 'tophat' ? ['tophat'] : []),
    ],
  });
  const size =
    n.sizeFilter === 'off'
      ? 'no size filter was applied'
      : `objects smaller than ${n.minDiameter !== undefined ? `${n.minDiameter} px` : '0.4 x the nucleus diameter'} across${n.maxDiameter !== undefined ? ` or larger than ${n.maxDiameter} px across` : ''} were discarded`;
  const thr = facts.thresholdRange ? ` (per-image thresholds ${fmt(facts.thresholdRange.min)} to ${fmt(facts.thresholdRange.max)})` : '';
  const cellsText =
    s.objects.cells !== 'none'
      ? ` Cells were ${s.objects.cells === 'propagate' ? `grown from the nuclei by propagation on the ${recipe.input.channels.cell ?? recipe.input.channels.marker ?? 'marker'} channel` : `approximated by expanding each nucleus by ${s.objects.expandPx ?? '?'} px`}; cytoplasm = cell minus nucleus.`
      : '';
  const model = n.method === 'model' ? (ctx.model ?? { spec: n.model ?? 'builtin' }) : undefined;
  if (model) {
    stages.push({
      id: 'model',
      title: 'Deep-learning model',
      summary: modelStageSummary(model, ctx.validation !== undefined),
      params: params.filter(isModelField),
      citations: [],
    });
    stages.push({
      id: 'objects',
      title: 'Object finding (nuclei)',
      summary: modelObjectsSummary(recipe, model, cellsText),
      params: byPrefix(params, 'stages.objects.').filter((p) => !isModelField(p)),
      citations: s.objects.cells === 'propagate' ? ['watershed', 'propagate'] : ['watershed'],
    });
  } else
    stages.push({
      id: 'objects',
      title: 'Object finding (nuclei)',
      summary: `Nuclei in the ${recipe.input.channels.dna} channel were found by global thresholding with the ${thrName} method${thr} (foreground above the threshold)${n.fillHoles ? ', holes were filled' : ''}, ${n.declump === 'shape' ? 'touching nuclei were split by a marker-controlled watershed on the distance transform' : n.declump === 'intensity' ? 'touching nuclei were split by a watershed on the smoothed intensity' : 'touching nuclei were not split'}; ${size}${n.clearBorder ? '; nuclei touching the image edge were removed' : ''}. Nucleus diameter: ${n.diameter === 'auto' ? 'estimated from the images' : `${n.diameter} px`}.${cellsText}`,
      params: byPrefix(params, 'stages.objects.'),
      citations: objectCitations(n, s.objects.cells, ctx.threshold?.citation !== undefined),
    });
  const m = s.measure;
  const mods = [m.shape && 'shape (AreaShape)', m.intensity && 'intensity', m.texture && 'texture', m.coloc && 'colocalisation'].filter(
    Boolean,
  );
  stages.push({
    id: 'measure',
    title: 'Measurements',
    summary: `Per object: ${mods.join(', ') || 'none'}, named after CellProfiler's conventions; per image: object counts and means. Sizes in pixels${recipe.input.pixelSizeUm ? ` (and µm at ${recipe.input.pixelSizeUm} µm/px)` : ''}.`,
    params: byPrefix(params, 'stages.measure.'),
    citations: ['cellprofiler'],
  });
  const st = recipe.statistics;
  stages.push({
    id: 'statistics',
    title: 'Statistics',
    summary: `Objects were averaged per image, images per well, and compared at the level of the ${st.unit}${st.unit === 'object' ? ' (objects treated as independent replicates, as requested: this overstates confidence)' : ''}; normalisation: ${st.normalisation === 'none' ? 'none' : st.normalisation === 'percent-of-control' ? "percent of the plate's control median" : "robust z-score against the plate's controls (median and MAD)"}. Effects versus control: difference, fold change, Hedges' g, 95% bootstrap confidence interval (seeded), Welch's t-test and a permutation test (exact when the units allow; no normality assumption).`,
    params: byPrefix(params, 'statistics.'),
    citations: ['bootstrap', 'welch', 'permutation', 'hedges', ...(st.normalisation === 'robust-z' ? ['robustZ'] : []), 'lazic'],
  });
  return stages;
}

function objectCitations(n: Recipe['stages']['objects']['nuclei'], cells: string, registry: boolean): string[] {
  const c: string[] = [registry ? 'threshold' : String(n.threshold)];
  if (n.declump !== 'none') c.push('watershed');
  if (n.declump === 'shape') c.push('edt');
  if (cells === 'propagate') c.push('propagate');
  return c;
}
