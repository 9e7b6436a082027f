/**
 * A synthetic run output folder (as the runner writes it): one plate, 2 rows x 4 columns, 2
 * sites per well; conditions DMSO (negative control, 3 wells), drugA (+30% nuclei, 3 wells),
 * drugB (no effect, 1 well) and a positive control 'kill' (about 20% of control, 1 well). One
 * failed image set and one excluded by QC. Values are fixed (no randomness) so expectations can
 * be worked out by hand.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecipe, type RecipeInput } from '../../../src/engine/pipeline/recipe.js';

export interface Fixture {
  dir: string;
  /** Count_Nuclei per image set id. */
  counts: Record<string, number>;
}

/** Layout: well -> [condition, site counts]. */
export const LAYOUT: Record<string, [string, number[]]> = {
  A01: ['DMSO', [100, 104]],
  A02: ['DMSO', [96, 100]],
  A03: ['drugA', [130, 134]],
  A04: ['drugA', [126, 130]],
  B01: ['DMSO', [102, 98]],
  B02: ['drugB', [100, 102]],
  B03: ['drugA', [128, 132]],
  B04: ['kill', [20, 22]],
};

export function fixtureRecipe(over: Partial<RecipeInput> = {}) {
  return parseRecipe({
    version: 1,
    input: { root: '/data/plate1', preset: 'imagexpress', channels: { dna: 'w1', marker: 'w2' }, pixelSizeUm: 0.65 },
    question: { type: 'count', text: 'Does drugA increase cell number?', expectedEffectPct: 25, toleratedErrorPct: 5 },
    statistics: { unit: 'well', normalisation: 'none', controls: ['DMSO'] },
    subset: ['P1_A01_s1', 'P1_A03_s2', 'P1_B04_s1'],
    decisions: [
      {
        step: 'objects',
        field: 'threshold',
        label: 'How bright is a nucleus',
        value: 'otsu',
        recommended: 'otsu',
        changed: false,
        why: 'two clear peaks in the histogram',
      },
      {
        step: 'objects',
        field: 'declump',
        label: 'Split touching nuclei',
        value: 'shape',
        recommended: 'shape',
        changed: false,
        why: 'round nuclei',
      },
      {
        step: 'qc',
        field: 'policy',
        label: 'What to do with bad images',
        value: 'exclude-fail',
        recommended: 'exclude-fail',
        changed: false,
        why: 'failing images bias counts',
      },
      {
        step: 'statistics',
        field: 'unit',
        label: 'Independent unit',
        value: 'well',
        recommended: 'well',
        changed: false,
        why: 'wells are the replicates',
      },
      { step: 'preprocess', field: 'smoothing', label: 'Smoothing', value: 2, recommended: 'auto', changed: true, why: 'noisy camera' },
      {
        step: 'run',
        field: 'mode',
        label: 'Run now or on the cluster',
        value: 'run-now',
        recommended: 'run-now',
        changed: false,
        why: 'small data set',
      },
    ],
    stages: { preprocess: { smoothing: 2 } },
    ...over,
  });
}

/** Write the fixture output folder; `failed` adds one failure, `excluded` one QC exclusion (not in images.csv). */
export async function writeFixture(o: { run?: boolean; objects?: boolean; versions?: boolean } = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'sp-report-'));
  const recipe = fixtureRecipe();
  await writeFile(join(dir, 'recipe.json'), `${JSON.stringify(recipe, null, 2)}\n`);
  const counts: Record<string, number> = {};
  // column names as src/engine/results/tables.ts writes them
  const img: string[] = [
    'ImageNumber,Metadata_ImageSet,Metadata_Plate,Metadata_Well,Metadata_Site,Metadata_Condition,Metadata_control,Image_Status,Count_Nuclei,Threshold_FinalThreshold_Nuclei,Nuclei_Diameter,Count_Nuclei_DiscardedSmall,Count_Nuclei_DiscardedLarge,Count_Nuclei_DiscardedBorder,Mean_Nuclei_AreaShape_Area,Mean_Nuclei_Intensity_MeanIntensity_w2,FileName_w1',
  ];
  const obj: string[] = [
    'ImageNumber,ObjectNumber,Metadata_ImageSet,Metadata_Well,Metadata_Condition,AreaShape_Area,Intensity_MeanIntensity_w2',
  ];
  const qc: string[] = [
    'ImageNumber,Metadata_ImageSet,Metadata_Well,ImageQuality_PowerLogLogSlope_w1,QC_Worst,QC_Checks,QC_Excluded,QC_Reason',
  ];
  let n = 0;
  for (const [well, [cond, sites]] of Object.entries(LAYOUT)) {
    for (const [s, count] of sites.entries()) {
      const id = `P1_${well}_s${s + 1}`;
      n++;
      counts[id] = count;
      const area = cond === 'drugA' ? 240 : 200;
      const ctl = cond === 'DMSO' ? 'negative' : cond === 'kill' ? 'positive' : '';
      img.push(
        `${n},${id},P1,${well},${s + 1},${cond},${ctl},ok,${count},${(0.1 + n / 1000).toFixed(3)},${cond === 'drugA' ? 17.5 : 16},${n % 3},${n % 2},1,${area},${cond === 'drugA' ? 1500 : 1000},${id}_w1.tif`,
      );
      if (o.objects !== false)
        for (let k = 1; k <= count; k++)
          obj.push(`${n},${k},${id},${well},${cond},${area + (k % 5) - 2},${cond === 'drugA' ? 1500 : 1000}`);
      qc.push(
        `${n},${id},${well},-1.8,${well === 'B02' && s === 1 ? 'warn' : 'ok'},${well === 'B02' && s === 1 ? 'saturation:warn' : ''},false,`,
      );
    }
  }
  n++;
  img.push(`${n},P1_B04_s3,P1,B04,3,kill,positive,excluded,,,,,,,,,P1_B04_s3_w1.tif`);
  qc.push(`${n},P1_B04_s3,B04,-3.1,fail,blur:fail,true,out of focus (blur score 0.02 < 0.1)`);
  n++;
  img.push(`${n},P1_B02_s3,P1,B02,3,drugB,,failed,,,,,,,,,P1_B02_s3_w1.tif`);
  await writeFile(join(dir, 'images.csv'), `${img.join('\n')}\n`);
  await writeFile(join(dir, 'objects.csv'), `${obj.join('\n')}\n`);
  await writeFile(join(dir, 'qc.csv'), `${qc.join('\n')}\n`);
  await writeFile(
    join(dir, 'failures.csv'),
    `ImageNumber,Metadata_ImageSet,Stage,Reason,Files\n${n},P1_B02_s3,read,"file is truncated (expected 2,097,152 bytes)",P1_B02_s3_w1.tif\n`,
  );
  if (o.run !== false)
    await writeFile(
      join(dir, 'run.json'),
      JSON.stringify({
        scopepilot: '0.1.0',
        node: 'v20.20.2',
        recipeVersion: 1,
        startedAt: '2026-11-25T09:00:00.000Z',
        finishedAt: '2026-11-25T09:05:00.000Z',
        ...(o.versions
          ? { versions: { scopepilot: '0.1.0', node: 'v20.20.2', platform: 'linux 6.1 x64', sharp: '0.35.5', libvips: '8.17.3' } }
          : {}),
      }),
    );
  await mkdir(join(dir, 'labels'));
  await mkdir(join(dir, 'previews'));
  return { dir, counts };
}
