/**
 * The threshold registry: every global threshold method ScopePilot offers, by id, with a plain-words
 * description (when a biologist would pick it) and its citation, so the wizard can list them, a recipe
 * can name them and the methods text can cite them.
 *
 * Every method follows scikit-image 0.19 (golden values in test/golden/thresholds.json) and the
 * scikit-image convention: foreground is `value > threshold`.
 * The local (adaptive) threshold returns one threshold per pixel, so it lives in ../local-threshold.ts;
 * {@link listThresholds} lists it too.
 */
import { UserError } from '../../errors.js';
import type { PlaneData } from '../../types.js';
import { LOCAL_THRESHOLD_INFO } from '../local-threshold.js';
import { liThreshold } from './li.js';
import { multiOtsuThresholds } from './multi-otsu.js';
import { otsuThreshold } from './otsu.js';
import { otsuSqrtThreshold } from './otsu-sqrt.js';
import { triangleThreshold } from './triangle.js';
import { yenThreshold } from './yen.js';

/** Options every global threshold method accepts (each uses what applies to it). */
export interface ThresholdOptions {
  /** Only pixels where mask is non-zero count. */
  mask?: Uint8Array;
  /** Histogram bins for float data (integer data always gets one bin per value). Default 256. */
  nbins?: number;
  /** The threshold itself, for 'manual'. */
  value?: number;
}

/** A global threshold method. `compute` returns one number; foreground is `value > threshold`. */
export interface ThresholdMethod {
  id: string;
  /** Short display name. */
  name: string;
  /** When to use it, in plain words. */
  description: string;
  /** The paper (and the reference implementation it matches). */
  citation: string;
  /** When set, this id is another name for that method (same result). */
  aliasOf?: string;
  compute(values: PlaneData | Float32Array, opts?: ThresholdOptions): number;
}

/** What {@link listThresholds} returns: the registry entries plus the local (per-pixel) method. */
export interface ThresholdInfo {
  id: string;
  name: string;
  description: string;
  citation: string;
  /** 'global': one number per image (in THRESHOLDS); 'local': one per pixel (localThreshold). */
  kind: 'global' | 'local';
  aliasOf?: string;
}

function histOpts(o: ThresholdOptions | undefined): { mask?: Uint8Array; nbins?: number } {
  const r: { mask?: Uint8Array; nbins?: number } = {};
  if (o?.mask) r.mask = o.mask;
  if (o?.nbins !== undefined) r.nbins = o.nbins;
  return r;
}

/** Three-class Otsu, returning the lower or upper of its two thresholds; a constant image returns its value. */
function otsu3(values: PlaneData | Float32Array, o: ThresholdOptions | undefined, which: 0 | 1): number {
  try {
    const t = multiOtsuThresholds(values, { ...histOpts(o), classes: 3 });
    return t[which] ?? t[0]!;
  } catch (e) {
    // fewer than 3 distinct values: two classes are all there is
    if (e instanceof UserError) return otsuThreshold(values, histOpts(o));
    throw e;
  }
}

const OTSU_CITE = 'N. Otsu, IEEE Trans. Syst. Man Cybern. 9(1):62-66 (1979); as skimage.filters.threshold_otsu';
const MULTI_CITE = 'P-S. Liao, T-S. Chen, P-C. Chung, J. Inf. Sci. Eng. 17(5):713-727 (2001); as skimage.filters.threshold_multiotsu';
const LI_CITE =
  'C.H. Li, C.K. Lee, Pattern Recognit. 26(4):617-625 (1993); C.H. Li, P.K.S. Tam, Pattern Recognit. Lett. 18(8):771-776 (1998); as skimage.filters.threshold_li';

/** Every global threshold method, by id. */
export const THRESHOLDS: Record<string, ThresholdMethod> = {
  otsu: {
    id: 'otsu',
    name: 'Otsu',
    description:
      'Splits pixels into two groups (objects and background) as cleanly as possible. The standard choice when objects are clearly brighter than the background and cover a fair part of the image (two-class Otsu).',
    citation: OTSU_CITE,
    compute: (v, o) => otsuThreshold(v, histOpts(o)),
  },
  'otsu-sqrt': {
    id: 'otsu-sqrt',
    name: 'Otsu on square-root intensities',
    description:
      "Otsu's split computed after taking the square root of every pixel, which evens out camera (photon) noise between dim and bright pixels. When object brightness varies widely, it cuts lower than plain Otsu, so dim objects and dim edges are kept. ScopePilot's default for finding nuclei.",
    citation: `${OTSU_CITE}; F.J. Anscombe, Biometrika 35(3/4):246-254 (1948)`,
    compute: (v, o) => otsuSqrtThreshold(v, histOpts(o)),
  },
  otsu3: {
    id: 'otsu3',
    name: 'Otsu, three classes (middle class is foreground)',
    description:
      'Splits pixels into three groups (background, dim, bright) and keeps dim and bright as objects. Use when some objects are much dimmer than others (e.g. nuclei in different cell-cycle stages) and two-class Otsu misses the dim ones. This is CellProfiler\'s "Three classes, middle to foreground": the lower of the two thresholds.',
    citation: MULTI_CITE,
    compute: (v, o) => otsu3(v, o, 0),
  },
  'otsu3-bg': {
    id: 'otsu3-bg',
    name: 'Otsu, three classes (middle class is background)',
    description:
      'Splits pixels into three groups and keeps only the brightest as objects. Use when a dim haze (out-of-focus light, cytoplasm) surrounds bright objects. This is CellProfiler\'s "Three classes, middle to background": the upper of the two thresholds.',
    citation: MULTI_CITE,
    compute: (v, o) => otsu3(v, o, 1),
  },
  li: {
    id: 'li',
    name: 'Li (minimum cross-entropy)',
    description:
      'Chooses the cut that keeps the thresholded image closest in information to the original. Usually a lower cut than Otsu, so it keeps dim object edges; a good choice for fluorescence with small or sparse objects.',
    citation: LI_CITE,
    compute: (v, o) => liThreshold(v, o?.mask ? { mask: o.mask } : {}),
  },
  mce: {
    id: 'mce',
    name: 'Minimum cross-entropy (CellProfiler)',
    description:
      'CellProfiler\'s name for Li\'s method (its "Minimum Cross-Entropy" calls the same scikit-image function): identical results to "li". Listed so CellProfiler users find it.',
    citation: LI_CITE,
    aliasOf: 'li',
    compute: (v, o) => liThreshold(v, o?.mask ? { mask: o.mask } : {}),
  },
  triangle: {
    id: 'triangle',
    name: 'Triangle',
    description:
      'Finds where the background peak of the histogram ends. Use when objects are few and small (most of the image is background), where Otsu tends to cut too high.',
    citation: 'G.W. Zack, W.E. Rogers, S.A. Latt, J. Histochem. Cytochem. 25(7):741-753 (1977); as skimage.filters.threshold_triangle',
    compute: (v, o) => triangleThreshold(v, histOpts(o)),
  },
  yen: {
    id: 'yen',
    name: 'Yen',
    description:
      'An entropy-based cut that often sits between Li and Otsu. Useful for images with bright, well-separated objects on a noisy background.',
    citation: 'J.C. Yen, F.J. Chang, S. Chang, IEEE Trans. Image Process. 4(3):370-378 (1995); as skimage.filters.threshold_yen',
    compute: (v, o) => yenThreshold(v, histOpts(o)),
  },
  manual: {
    id: 'manual',
    name: 'Manual',
    description:
      'A fixed intensity you choose: pixels brighter than it are objects. Use only when every image was acquired with identical settings and you know the right value.',
    citation: 'user-supplied value',
    compute: (_v, o) => {
      const t = o?.value;
      if (t === undefined || !Number.isFinite(t)) {
        throw new UserError('the manual threshold needs a value', 'give the intensity above which pixels are objects');
      }
      return t;
    },
  },
};

/** A registered method by id; throws a UserError naming the valid ids for an unknown one. */
export function getThreshold(id: string): ThresholdMethod {
  const m = THRESHOLDS[id];
  if (!m) {
    throw new UserError(`unknown threshold method "${id}"`, `use one of: ${Object.keys(THRESHOLDS).join(', ')}, local`);
  }
  return m;
}

/** Every threshold method (global ones from THRESHOLDS, then the local one), in a stable order for menus. */
export function listThresholds(): ThresholdInfo[] {
  const out: ThresholdInfo[] = Object.values(THRESHOLDS).map((m) => {
    const info: ThresholdInfo = { id: m.id, name: m.name, description: m.description, citation: m.citation, kind: 'global' };
    if (m.aliasOf) info.aliasOf = m.aliasOf;
    return info;
  });
  out.push({ ...LOCAL_THRESHOLD_INFO, kind: 'local' });
  return out;
}
