/**
 * The reporting checklist of METHODS.md: the image-analysis items of Schmied et al. (2024)
 * (minimal / recommended / ideal tiers) and the experiment items after REMBI, Jost & Waters and
 * Senft et al., each marked done automatically (with where the evidence is), to do by the
 * author (with what to do), or not applicable (with why). Wording is ours.
 * @see CITATIONS.checklist, CITATIONS.rembi, CITATIONS.jost
 */
import type { MethodsRecord } from './methods-record.js';

export type ChecklistStatus = 'done' | 'todo' | 'n/a';

export interface ChecklistItem {
  id: string;
  tier: 'minimal' | 'recommended' | 'ideal' | 'also' | 'experiment';
  item: string;
  status: ChecklistStatus;
  /** Where the evidence is (done), what to do (todo), or why not (n/a). */
  note: string;
}

const AUTHOR = 'to fill in by the author';

/** The checklist for a methods record (everything but the checklist itself). */
export function buildChecklist(r: Omit<MethodsRecord, 'checklist' | 'paragraph' | 'context'>): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  const add = (tier: ChecklistItem['tier'], id: string, item: string, status: ChecklistStatus, note: string) =>
    items.push({ id, tier, item, status, note });
  const model = r.stages.some((s) => s.id === 'model');
  const sw = r.software.versions;

  add(
    'minimal',
    'cite-components',
    'Every component cited with its version, and the platform',
    'done',
    `METHODS.md "Software" (ScopePilot ${sw.scopepilot ?? '?'}, Node.js ${sw.node ?? '?'}, ${Object.keys(sw).length} entries; methods.json software.versions); references listed`,
  );
  add('minimal', 'workflow-steps', 'Sequence of steps (flowchart)', 'done', 'METHODS.md "Workflow" (text diagram) and "Stages"');
  add(
    'minimal',
    'key-settings',
    'Key settings, recommended or changed and why',
    'done',
    'METHODS.md "Parameters" (every recipe value with its source)',
  );
  add(
    'minimal',
    'example-data',
    'Example input with its output and the exact recipe',
    r.outputs.previews && r.outputs.labels ? 'done' : 'todo',
    r.outputs.previews && r.outputs.labels
      ? 'previews/ (images and outlines the user accepted), labels/ (label images), recipe.json'
      : 'keep one example image with its label image and overlay beside recipe.json (run with outputs.labels and previews enabled)',
  );
  add(
    'minimal',
    'manual-rois',
    'Manual regions of interest saved as files',
    'n/a',
    'ScopePilot draws no manual regions; every object is found automatically',
  );
  add(
    'minimal',
    'workflow-version',
    'Exact version of the workflow',
    'done',
    `recipe.json (recipe format version ${r.software.recipeVersion}) and ScopePilot ${sw.scopepilot ?? '?'}`,
  );
  add(
    'minimal',
    'model-cite',
    'Model: original method cited, access, validation data',
    !model ? 'n/a' : r.model?.sha256 && r.validation ? 'done' : 'todo',
    !model
      ? 'no machine-learning model was used'
      : r.model?.sha256
        ? `METHODS.md "Deep-learning model": name, version, source, SHA-256 checksum, citations${r.validation ? '; "Validation" on these images' : `; ${AUTHOR}: validate it on a few hand-labelled images of these data (scopepilot validate)`}`
        : AUTHOR,
  );
  add(
    'recommended',
    'all-settings',
    'All settings and the environment specification',
    'done',
    'recipe.json holds every setting with defaults filled in (also "Parameters" here); software.versions in methods.json; package-lock.json of the ScopePilot release',
  );
  add(
    'recommended',
    'public-data',
    'Public example data and code with a DOI',
    'todo',
    `${AUTHOR}: deposit images, recipe.json and outputs (e.g. BioImage Archive, Zenodo) and give the DOI`,
  );
  add('recommended', 'rationale', 'Rationale for the choices, and limitations', 'done', 'METHODS.md "Parameters" (why) and "Limitations"');
  add(
    'recommended',
    'model-training',
    'Model: training data, hyperparameters, limitations',
    !model ? 'n/a' : r.model?.trainingData ? 'done' : 'todo',
    !model
      ? 'no machine-learning model was used'
      : r.model?.trainingData
        ? `METHODS.md "Deep-learning model" (training data) and "Limitations"; hyperparameters in the package's documentation${r.model.spec === 'builtin' ? ' (models/nuclei/README.md)' : ''}`
        : AUTHOR,
  );
  add('ideal', 'tutorial', 'Screen recording or tutorial of the usage', 'todo', `${AUTHOR} (ScopePilot's README documents each command)`);
  add(
    'ideal',
    'installation',
    'Easy installation; a container',
    'todo',
    `npm install -g scopepilot@${sw.scopepilot ?? ''}; a container image is ${AUTHOR}`,
  );
  add(
    'ideal',
    'model-format',
    'Model in a standard format (BioImage Model Zoo)',
    !model ? 'n/a' : r.model?.format?.startsWith('bioimage.io') ? 'done' : 'todo',
    !model
      ? 'no machine-learning model was used'
      : r.model?.format?.startsWith('bioimage.io')
        ? `${r.model.format} package (rdf.yaml with ONNX weights)`
        : `${AUTHOR}: package the model for the BioImage Model Zoo`,
  );

  const n = r.qc.imagesAnalysed;
  add(
    'also',
    'images-excluded',
    'Which images were analysed, which excluded and why',
    n !== undefined ? 'done' : 'todo',
    n !== undefined
      ? `images.csv (${n} analysed), qc.csv (verdicts), failures.csv (${r.qc.failed} failed); METHODS.md "Quality control" lists exclusions`
      : 'run the recipe (`scopepilot run recipe.json`) to record analysed and excluded images',
  );
  add(
    'also',
    'validation',
    'How the workflow was validated (ground truth, metric, error)',
    r.validation ? 'done' : 'todo',
    r.validation
      ? `METHODS.md "Validation" (${r.validation.summary})`
      : 'hand-label a few images and score them: `scopepilot validate PRED_DIR GT_DIR --out OUT/validation.json`; otherwise state that outlines were checked by eye on the subset',
  );

  const d = r.data;
  add(
    'experiment',
    'study',
    'Study and question',
    r.question.text || r.question.type ? 'done' : 'todo',
    `METHODS.md "Question" (${r.question.type})`,
  );
  const bio = ['organism', 'cellLine', 'specimen', 'stain'].filter((k) => d.metadata[k]);
  add(
    'experiment',
    'biosample',
    'Biosample and specimen (organism, cell line, stain and what it marks)',
    bio.length >= 3 ? 'done' : 'todo',
    bio.length >= 3 ? 'METHODS.md "Data" (metadata given)' : `${AUTHOR}: organism, cell line, fixation, stains and what they mark`,
  );
  const acq = ['microscope', 'objective'].filter((k) => d.metadata[k]);
  add(
    'experiment',
    'acquisition',
    'Image acquisition (microscope, objective, pixel size, channels)',
    acq.length === 2 && d.pixelSizeUm ? 'done' : 'todo',
    `${d.pixelSizeUm ? `pixel size ${d.pixelSizeUm} µm and channels recorded` : 'pixel size unknown'}; ${acq.length === 2 ? 'microscope and objective given' : `microscope, objective, exposure: ${AUTHOR}`}`,
  );
  add(
    'experiment',
    'image-data',
    'Image data (format, bit depth, dimensions, number of images)',
    d.imageSets !== undefined || d.format ? 'done' : 'todo',
    d.imageSets !== undefined || d.format
      ? `METHODS.md "Data" (${[d.format, d.bitDepth ? `${d.bitDepth}-bit` : '', d.imageSets !== undefined ? `${d.imageSets} image sets` : ''].filter(Boolean).join(', ')})`
      : 'the scan of the folder was not recorded; state format, bit depth and number of images',
  );
  add(
    'experiment',
    'analysed-data',
    'Analysed data (what was measured)',
    'done',
    'METHODS.md "Stages" (measure) and objects.csv / images.csv column names (CellProfiler conventions)',
  );
  add(
    'experiment',
    'controls',
    'Controls present and used for normalisation',
    r.statistics.controls.length ? 'done' : 'todo',
    r.statistics.controls.length
      ? `controls: ${r.statistics.controls.join(', ')}; normalisation: ${r.statistics.normalisation}`
      : 'no control condition was named: mark controls in the plate map (control column) or in recipe.json statistics.controls',
  );
  add(
    'experiment',
    'replicates',
    'Number of biological and technical replicates',
    'todo',
    `${AUTHOR}: independent biological replicates (days, passages) and technical replicates; unit of comparison used here: ${r.statistics.unit}`,
  );
  add(
    'experiment',
    'blinding',
    'Blinding while choosing parameters',
    r.blinding.known ? 'done' : 'todo',
    r.blinding.known ? r.blinding.text : `${AUTHOR}: whether parameters were chosen without knowing the condition of each image`,
  );
  add(
    'experiment',
    'effect-tolerance',
    'Expected effect, tolerated error, and whether the analysis resolves it',
    r.question.expectedEffectPct !== undefined ? 'done' : 'todo',
    r.question.expectedEffectPct !== undefined
      ? `METHODS.md "Statistics" (expected ${r.question.expectedEffectPct}%, tolerated error ${r.question.toleratedErrorPct ?? '?'}%)`
      : 'state the change you expect and the analysis error you can tolerate (wizard question step, or recipe.json question.expectedEffectPct)',
  );
  return items;
}
