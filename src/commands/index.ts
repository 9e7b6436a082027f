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
    name: 'segment',
    summary: 'Find nuclei in images: one instance label TIFF per image and segment.json',
    load: () => import('./segment.js'),
  },
];
