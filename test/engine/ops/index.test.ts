import { describe, expect, it } from 'vitest';
import * as ops from '../../../src/engine/ops/index.js';

describe('ops index', () => {
  it('exports every operation the segmenter, pipeline and wizard look up by name', () => {
    const names = [
      'gaussian',
      'median',
      'subtractBackground',
      'rollingBallBackground',
      'flattenIllumination',
      'localThreshold',
      'applyLocalThreshold',
      'otsuThreshold',
      'histogram',
      'liThreshold',
      'triangleThreshold',
      'yenThreshold',
      'multiOtsuThresholds',
      'listThresholds',
      'getThreshold',
      'erode',
      'dilate',
      'binaryOpening',
      'binaryClosing',
      'greyOpen',
      'label',
      'fillHoles',
      'distanceTransform',
      'findMaxima',
      'watershed',
      'clearBorder',
      'filterBySize',
      'propagate',
    ];
    const missing = names.filter((n) => typeof (ops as Record<string, unknown>)[n] !== 'function');
    expect(missing).toEqual([]);
    expect(Object.keys(ops.THRESHOLDS)).toContain('otsu');
  });
});
