/**
 * Plain-words descriptions of the segmentation choices, for the wizard's prompts and the
 * methods text: what each option does, its default, and the paper behind it.
 */
import { listThresholds } from '../ops/threshold/registry.js';

export interface ChoiceInfo {
  id: string;
  name: string;
  description: string;
  citation?: string;
}

export interface SegmentOptionInfo {
  option: string;
  description: string;
  default: string;
  choices?: ChoiceInfo[];
}

export function describeSegmentOptions(): SegmentOptionInfo[] {
  return [
    {
      option: 'diameter',
      description:
        'Typical nucleus diameter in pixels. "auto" measures it in every image from the distance-transform peaks of a first foreground mask; it sets the smoothing, the distance between seeds and the smallest size kept.',
      default: 'auto',
    },
    {
      option: 'threshold',
      description: 'How the foreground (nuclei) is told from the background. Foreground is brighter than the threshold.',
      default: 'otsu-sqrt',
      choices: listThresholds()
        .filter((t) => t.kind === 'global')
        .map((t) => ({ id: t.id, name: t.name, description: t.description, citation: t.citation })),
    },
    {
      option: 'declump',
      description: 'How touching nuclei are separated (as CellProfiler IdentifyPrimaryObjects offers).',
      default: 'shape',
      choices: [
        {
          id: 'shape',
          name: 'Shape',
          description:
            'Seeds at the centres of round shapes (peaks of the distance to the background), split along the narrowest waist; splits that leave no waist are joined again. Best for round nuclei.',
          citation: 'L. Vincent, P. Soille, IEEE PAMI 13:583-598 (1991); F. Meyer, Signal Process. 38:113-125 (1994)',
        },
        {
          id: 'intensity',
          name: 'Intensity',
          description: 'Seeds at the brightest points, split along the dimmest line. For nuclei brighter in the middle than at the edge.',
          citation: 'C. Wählby et al., J. Microsc. 215:67-76 (2004)',
        },
        { id: 'none', name: 'None', description: 'Touching nuclei stay one object. Use for sparse, well separated nuclei.' },
      ],
    },
    {
      option: 'minDiameter',
      description:
        'Objects with a smaller equivalent diameter are discarded (debris, fragments); the sizes of discarded objects are reported so real small nuclei are not lost unseen.',
      default: '0.4 x diameter',
    },
    {
      option: 'maxDiameter',
      description:
        'Objects with a larger equivalent diameter are discarded. Off by default: a size cut can silently drop real large nuclei.',
      default: 'none',
    },
    {
      option: 'clearBorder',
      description: 'Discard nuclei touching the image edge (their measurements are incomplete).',
      default: 'no',
    },
  ];
}
