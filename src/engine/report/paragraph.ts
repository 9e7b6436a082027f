/**
 * The ready-to-paste methods paragraph: plain scientific English, past tense, every number that
 * decides the result, in the order the analysis ran.
 */
import type { MethodsRecord } from './methods-record.js';

function list(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/** The methods paragraph for a record (without its checklist). */
export function methodsParagraph(r: Omit<MethodsRecord, 'checklist' | 'paragraph' | 'context'>): string {
  const v = r.software.versions;
  const libs = ['sharp', 'libvips', 'geotiff', 'vega', 'vega-lite', 'onnxruntime-node'].filter((k) => v[k]).map((k) => `${k} ${v[k]}`);
  const s: string[] = [];
  s.push(
    `Images were analysed with ScopePilot ${v.scopepilot ?? '(version not recorded)'} on Node.js ${v.node ?? '?'}${v.platform ? ` (${v.platform})` : ''}${libs.length ? `, using ${list(libs)}` : ''}; the complete analysis recipe (recipe.json, format version ${r.software.recipeVersion}) is provided with the data.`,
  );
  const d = r.data;
  const what = [
    d.imageSets !== undefined ? `${d.imageSets} image sets` : 'The image sets',
    d.plates?.length ? `from ${d.plates.length} plate${d.plates.length > 1 ? 's' : ''}` : '',
    d.format || d.bitDepth ? `(${[d.bitDepth ? `${d.bitDepth}-bit` : '', d.format ?? ''].filter(Boolean).join(' ')})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  s.push(
    `${what} were analysed${r.qc.imagesAnalysed !== undefined && d.imageSets !== undefined && r.qc.imagesAnalysed !== d.imageSets ? ` (${r.qc.imagesAnalysed} with results)` : ''}, with DNA in the ${d.channels.dna} channel${d.channels.marker ? ` and the marker in the ${d.channels.marker} channel` : ''}${d.pixelSizeUm ? ` at ${d.pixelSizeUm} µm per pixel` : '; sizes are reported in pixels because the pixel size was not known'}.`,
  );
  if (r.subset.ids.length)
    s.push(
      `Parameters were chosen on a representative subset of ${r.subset.ids.length} image sets spread over plates and conditions${r.blinding.known && !/broken/.test(r.blinding.text) ? ', without showing which condition each image belonged to' : ''}.`,
    );
  const qc = r.qc;
  const excl = qc.excluded.length;
  const qcStage = r.stages.find((x) => x.id === 'qc');
  s.push(
    `${qcStage?.summary ?? ''}${qc.imagesAnalysed !== undefined || excl ? ` In total ${excl} image set${excl === 1 ? ' was' : 's were'} excluded${qc.failed ? ` and ${qc.failed} could not be analysed (unreadable or failed)` : ''}.` : ''}`,
  );
  for (const id of ['preprocess', 'model', 'objects', 'measure'] as const) {
    const st = r.stages.find((x) => x.id === id);
    if (st) s.push(st.summary);
  }
  const dis = r.sizeFilter.discarded;
  if (dis && (dis.small || dis.large || dis.border)) {
    const parts = [dis.small ? `${dis.small} objects below` : '', dis.large ? `${dis.large} above` : ''].filter(Boolean);
    s.push(
      `${parts.length ? `The size limits removed ${parts.join(' and ')} the limits` : ''}${parts.length && dis.border ? ', and ' : ''}${dis.border ? `${dis.border} objects touched the image edge and were removed` : ''}${r.objects !== undefined ? `; ${r.objects} nuclei were measured` : ''}. ${r.sizeFilter.caveat}`,
    );
  } else if (r.objects !== undefined) s.push(`${r.objects} nuclei were measured.`);
  const stats = r.stages.find((x) => x.id === 'statistics');
  if (stats) s.push(stats.summary);
  if (r.question.expectedEffectPct !== undefined)
    s.push(
      `The expected effect was a ${r.question.expectedEffectPct}% change${r.question.toleratedErrorPct !== undefined ? `, with an analysis error of at most ${r.question.toleratedErrorPct}% tolerated` : ''}.${r.statistics.tolerance ? ` ${r.statistics.tolerance}` : ''}`,
    );
  if (r.validation)
    s.push(
      `Segmentation was validated against hand-made labels: ${r.validation.summary.replace(/^compared with hand-made labels: /, '')}.`,
    );
  return s.filter((x) => x.trim()).join(' ');
}
