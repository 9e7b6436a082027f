import type { CommandEntry } from './types.js';

/**
 * Every command of `scopepilot`, in the order a user meets them. Adding a command is adding a
 * row here and a module under src/commands/.
 */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'wizard',
    summary: 'Guided analysis: question, data, subset, QC, objects, measurements, statistics, run',
    load: () => import('./wizard.js'),
  },
  {
    name: 'demo',
    summary: 'Write a synthetic demo plate with known answers (images, labels, plate map, truth.json)',
    load: () => import('./demo.js'),
  },
  {
    name: 'scan',
    summary: 'Show what a folder holds (plates, wells, sites, channels, formats) and what is wrong with it',
    load: () => import('./scan.js'),
  },
  {
    name: 'platemap',
    summary: 'Write a plate map template for a folder, or check a plate map against it',
    load: () => import('./platemap.js'),
  },
  {
    name: 'subset',
    summary: 'Pick a small set of images that represents the whole experiment, with reasons',
    load: () => import('./subset.js'),
  },
  {
    name: 'qc',
    summary: 'Check image quality (blur, saturation, empty, debris, uneven light, lossy exports): qc.csv + advice',
    load: () => import('./qc.js'),
  },
  {
    name: 'segment',
    summary: 'Find nuclei in images: one instance label TIFF per image and segment.json',
    load: () => import('./segment.js'),
  },
  {
    name: 'model',
    summary: 'Inspect a deep-learning model package (BioImage Model Zoo, ONNX) and check it runs here',
    load: () => import('./model.js'),
  },
  {
    name: 'measure',
    summary: 'Measure every object with CellProfiler column names: objects.csv and images.csv',
    load: () => import('./measure.js'),
  },
  {
    name: 'recipe',
    summary: 'Write the recipe the wizard recommends for a folder (scripted use, no terminal)',
    load: () => import('./recipe.js'),
  },
  {
    name: 'run',
    summary: 'Run a recipe on every image set: tables, labels, checkpoints; --shard, --resume, --slurm',
    load: () => import('./run.js'),
  },
  {
    name: 'merge',
    summary: 'Combine shard outputs into the result tables of one run',
    load: () => import('./merge.js'),
  },
  {
    name: 'validate',
    summary: 'Score label images against ground truth: F1, DSB AP, count error, splits and merges',
    load: () => import('./validate.js'),
  },
  {
    name: 'report',
    summary: 'Statistics at the unit of comparison, METHODS.md and report.html for a run output folder',
    load: () => import('./report.js'),
  },
  {
    name: 'slurm',
    summary: 'Write or submit a SLURM array job (one shard per task) plus a merge job',
    load: () => import('./slurm.js'),
  },
];
