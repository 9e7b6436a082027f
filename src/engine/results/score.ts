/**
 * Score predicted instance labels against ground truth, as the BBBC039 and Data Science Bowl
 * 2018 papers do: objects are matched one-to-one by intersection over union (IoU); a match at
 * IoU >= 0.5 is a true positive. F1 = 2TP / (2TP + FP + FN). The DSB "average precision" is
 * TP / (TP + FP + FN) averaged over IoU thresholds 0.5, 0.55, ..., 0.95.
 * @see J. Caicedo et al., Nat. Methods 16:1247-1253 (2019).
 */
import type { Labels } from '../types.js';

export interface SegmentationScore {
  tp: number;
  fp: number;
  fn: number;
  f1: number;
  precision: number;
  recall: number;
  /** DSB-style mean of TP/(TP+FP+FN) over IoU 0.5:0.05:0.95. */
  apDsb: number;
  /** (predicted - true) / true object count (signed; 0 when both are empty). */
  countError: number;
  /** True objects cut into two or more predicted objects (see scoreSegmentation). */
  splits: number;
  /** Predicted objects covering two or more true objects. */
  merges: number;
  /** Mean IoU of the matched pairs at 0.5 (NaN without matches). */
  meanIoU: number;
  nPred: number;
  nTrue: number;
}

function maxId(l: Labels): number {
  let m = 0;
  const d = l.data;
  for (let i = 0; i < d.length; i++) if (d[i]! > m) m = d[i]!;
  return m;
}

/**
 * Compare `pred` with `truth` (same size). Splits: a true object of which two or more predicted
 * objects each cover at least half of their own area. Merges: a predicted object of which two or
 * more true objects each have at least half of their area inside it.
 */
export function scoreSegmentation(pred: Labels, truth: Labels): SegmentationScore {
  if (pred.width !== truth.width || pred.height !== truth.height) {
    throw new Error(`label images differ in size: ${pred.width}x${pred.height} vs ${truth.width}x${truth.height}`);
  }
  const np = maxId(pred);
  const nt = maxId(truth);
  const areaP = new Float64Array(np + 1);
  const areaT = new Float64Array(nt + 1);
  const overlap = new Map<number, number>();
  const pd = pred.data;
  const td = truth.data;
  for (let i = 0; i < pd.length; i++) {
    const p = pd[i]!;
    const t = td[i]!;
    areaP[p] = areaP[p]! + 1;
    areaT[t] = areaT[t]! + 1;
    if (p > 0 && t > 0) {
      const key = p * (nt + 1) + t;
      overlap.set(key, (overlap.get(key) ?? 0) + 1);
    }
  }
  let presentP = 0;
  for (let p = 1; p <= np; p++) if (areaP[p]! > 0) presentP++;
  let presentT = 0;
  for (let t = 1; t <= nt; t++) if (areaT[t]! > 0) presentT++;
  const pairs: { p: number; t: number; iou: number }[] = [];
  const bigPartsOfTruth = new Int32Array(nt + 1);
  const bigPartsOfPred = new Int32Array(np + 1);
  for (const [key, inter] of overlap) {
    const p = Math.floor(key / (nt + 1));
    const t = key - p * (nt + 1);
    const iou = inter / (areaP[p]! + areaT[t]! - inter);
    pairs.push({ p, t, iou });
    if (inter >= areaP[p]! / 2) bigPartsOfTruth[t] = bigPartsOfTruth[t]! + 1;
    if (inter >= areaT[t]! / 2) bigPartsOfPred[p] = bigPartsOfPred[p]! + 1;
  }
  // one-to-one: best IoU first (ties by ids), each object used once
  pairs.sort((a, b) => b.iou - a.iou || a.p - b.p || a.t - b.t);
  const usedP = new Uint8Array(np + 1);
  const usedT = new Uint8Array(nt + 1);
  const matched: number[] = [];
  for (const pr of pairs) {
    if (pr.iou < 0.5) break;
    if (usedP[pr.p] || usedT[pr.t]) continue;
    usedP[pr.p] = 1;
    usedT[pr.t] = 1;
    matched.push(pr.iou);
  }
  const tp = matched.length;
  const fp = presentP - tp;
  const fn = presentT - tp;
  let apSum = 0;
  for (let k = 0; k < 10; k++) {
    const thr = 0.5 + 0.05 * k;
    let tpk = 0;
    for (const iou of matched) if (iou >= thr - 1e-12) tpk++;
    const denom = tpk + (presentP - tpk) + (presentT - tpk);
    apSum += denom === 0 ? 1 : tpk / denom;
  }
  let splits = 0;
  for (let t = 1; t <= nt; t++) if (bigPartsOfTruth[t]! >= 2) splits++;
  let merges = 0;
  for (let p = 1; p <= np; p++) if (bigPartsOfPred[p]! >= 2) merges++;
  const denomF1 = 2 * tp + fp + fn;
  return {
    tp,
    fp,
    fn,
    f1: denomF1 === 0 ? 1 : (2 * tp) / denomF1,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    apDsb: apSum / 10,
    countError: presentT === 0 ? (presentP === 0 ? 0 : 1) : (presentP - presentT) / presentT,
    splits,
    merges,
    meanIoU: tp === 0 ? Number.NaN : matched.reduce((a, b) => a + b, 0) / tp,
    nPred: presentP,
    nTrue: presentT,
  };
}
