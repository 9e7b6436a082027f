import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFolder } from '../../../src/engine/dataset/scan.js';
import { encodeTiff } from '../../../src/engine/io/tiff-write.js';
import { BBBC039, hasSharedData } from '../../helpers/shared-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'sp-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tiff(w = 16, h = 12, value = 100, bits: 8 | 16 = 16): Buffer {
  const data = bits === 8 ? new Uint8Array(w * h) : new Uint16Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = value + (i % 97);
  return encodeTiff([{ width: w, height: h, data }], { description: 'ImageJ=1.54f\nunit=micron\n', pixelSizeUm: 0.65 });
}

function encodeTiffNoPx(): Buffer {
  return encodeTiff([{ width: 8, height: 8, data: Uint16Array.from({ length: 64 }, (_, i) => 100 + i) }]);
}

/** A folder with these files (relative paths); image files get a tiny valid TIFF unless content is given. */
function folder(name: string, files: (string | [string, Buffer | string])[]): string {
  const root = join(tmp, name);
  for (const f of files) {
    const [rel, content] = typeof f === 'string' ? [f, tiff()] : f;
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

const grid = (f: (well: string, site: number, ch: number) => string, wells: string[], sites: number, chans: number[]) =>
  wells.flatMap((w) => Array.from({ length: sites }, (_, s) => chans.map((c) => f(w, s + 1, c))).flat());

describe('scanFolder: vendor naming presets', () => {
  const cases: {
    id: string;
    files: string[];
    channels: string[];
    sets: number;
    wells: string[];
    extra?: (r: Awaited<ReturnType<typeof scanFolder>>) => void;
  }[] = [
    {
      id: 'imagexpress',
      files: grid((w, s, c) => `PlateX_${w}_s${s}_w${c}0A1B2C3D-1111-2222-3333-44445555666${s}.tif`, ['A01', 'A02', 'B01'], 2, [1, 2]),
      channels: ['w1', 'w2'],
      sets: 6,
      wells: ['A01', 'A02', 'B01'],
    },
    {
      id: 'opera',
      files: grid((w, s, c) => `r0${w.charCodeAt(0) - 64}c${w.slice(1)}f0${s}p01-ch${c}sk1fk1fl1.tiff`, ['A01', 'B03'], 3, [1, 2, 3]).map(
        (f) => `Meas1/Images/${f}`,
      ),
      channels: ['ch1', 'ch2', 'ch3'],
      sets: 6,
      wells: ['A01', 'B03'],
      extra: (r) => expect(r.plates).toEqual(['Meas1']),
    },
    {
      id: 'cellomics',
      files: grid((w, s, c) => `AS_09125_050116030001_${w}f0${s - 1}d${c - 1}.tif`, ['D03', 'D04'], 2, [1, 2]),
      channels: ['d0', 'd1'],
      sets: 4,
      wells: ['D03', 'D04'],
      extra: (r) => expect(r.imageSets.map((s) => s.meta.site)).toContain(0),
    },
    {
      id: 'cellvoyager',
      files: grid((w, s, c) => `AssayPlate_Greiner_#655090_${w}_T0001F00${s}L01A01Z01C0${c}.tif`, ['C02', 'K06'], 2, [1, 2]),
      channels: ['C01', 'C02'],
      sets: 4,
      wells: ['C02', 'K06'],
    },
    {
      id: 'incucyte',
      files: ['A1', 'B2'].flatMap((w) =>
        [1, 2].flatMap((s) => ['2021y08m06d_11h39m', '2021y08m06d_13h39m'].map((ts) => `phase/MySample1_${w}_${s}_${ts}.tif`)),
      ),
      channels: ['phase'],
      sets: 8,
      wells: ['A01', 'B02'],
      extra: (r) => expect(r.summary.timePoints).toBe(2),
    },
    {
      id: 'incell',
      files: grid((w, s, c) => `${w[0]}_${w.slice(1)}_f${s}_c${c}_xUV_mDAPI_z1_t1.tif`, ['A01', 'C05'], 2, [1, 2]),
      channels: ['c1', 'c2'],
      sets: 4,
      wells: ['A01', 'C05'],
    },
    {
      id: 'nikon',
      files: grid(
        (w, s, c) => `20230303_200618_678__Well${w[0]}${Number(w.slice(1))}_ChannelDAPI_Seq000${s}xy${s}c${c}.tif`,
        ['P24', 'A02'],
        2,
        [1, 2],
      ),
      channels: ['c1', 'c2'],
      sets: 4,
      wells: ['A02', 'P24'],
    },
    {
      id: 'scanr',
      files: ['00001', '00013'].flatMap((w) =>
        [1, 2].flatMap((s) => ['DAPI', 'GFP'].map((c) => `plate1--W${w}--P0000${s}--Z00000--T00000--${c}.tif`)),
      ),
      channels: ['DAPI', 'GFP'],
      sets: 4,
      wells: ['A01', 'B01'],
    },
    {
      id: 'cq1',
      files: ['0001', '0014'].flatMap((w) => [1, 2].flatMap((s) => [1, 2].map((c) => `W${w}F000${s}T0001Z001C${c}.tif`))),
      channels: ['C1', 'C2'],
      sets: 4,
      wells: ['A01', 'B02'],
    },
    {
      id: 'channel-suffix',
      files: ['ctrl_f1', 'ctrl_f2', 'drug_f1'].flatMap((s) => [`${s}_c1.tif`, `${s}_c2.tif`]),
      channels: ['c1', 'c2'],
      sets: 3,
      wells: [],
    },
  ];
  for (const c of cases) {
    it(`detects ${c.id} and groups channels into image sets`, async () => {
      const r = await scanFolder(folder(c.id, c.files), { probeSets: 2 });
      expect(r.preset.id).toBe(c.id);
      expect(r.preset.confidence).toBeGreaterThanOrEqual(0.9);
      expect(r.channels).toEqual(c.channels);
      expect(r.imageSets).toHaveLength(c.sets);
      expect(r.wells).toEqual(c.wells);
      expect(r.problems.filter((p) => p.code !== 'missing-well').map((p) => p.code)).toEqual([]);
      for (const s of r.imageSets) expect(Object.keys(s.channels).sort()).toEqual([...c.channels].sort());
      c.extra?.(r);
    });
  }

  it('ImageXpress TimePoint_N / ZStep_N folders give t and z; ids name them only when there are several', async () => {
    const files = [1, 2].flatMap((t) => [1, 2].map((z) => `2024-01-01/1234/TimePoint_${t}/ZStep_${z}/exp_B02_s1_w1.tif`));
    const r = await scanFolder(folder('ix-tz', files), { probeSets: 0 });
    expect(r.preset.id).toBe('imagexpress');
    expect(r.imageSets.map((s) => s.id)).toEqual(['B02_s1_z1_t1', 'B02_s1_z1_t2', 'B02_s1_z2_t1', 'B02_s1_z2_t2']);
    expect(r.summary).toMatchObject({ zPlanes: 2, timePoints: 2 });
  });

  it('reads channel names and pixel size from Harmony Index.idx.xml and ImageXpress .HTD files', async () => {
    const xml = `<EvaluationInputData><Images><Image><ImageResolutionX Unit="m">6.4983E-07</ImageResolutionX></Image></Images>
      <Maps><Map><Entry ChannelID="1"><ChannelName>HOECHST 33342</ChannelName></Entry><Entry ChannelID="2"><ChannelName>Alexa 488</ChannelName></Entry></Map></Maps></EvaluationInputData>`;
    const noPx = Buffer.from(tiff()); // has a pixel size; use names only
    const opera = folder('opera-meta', [
      ['Images/Index.idx.xml', xml],
      ['Images/r01c01f01p01-ch1sk1fk1fl1.tiff', encodeTiffNoPx()],
      ['Images/r01c01f01p01-ch2sk1fk1fl1.tiff', encodeTiffNoPx()],
    ]);
    const r = await scanFolder(opera);
    expect(r.summary.channelNames).toEqual({ ch1: 'HOECHST 33342', ch2: 'Alexa 488' });
    expect(r.summary.pixelSizeUm).toBeCloseTo(0.64983, 5);
    expect(r.problems.map((p) => p.code)).not.toContain('no-pixel-size');
    const ix = folder('ix-htd', [
      ['exp.HTD', '"NWavelengths", 2\n"WaveName1", "DAPI"\n"WaveName2", "FITC"\n'],
      ['exp_A01_s1_w1.tif', noPx],
      ['exp_A01_s1_w2.tif', noPx],
    ]);
    expect((await scanFolder(ix, { probeSets: 0 })).summary.channelNames).toEqual({ w1: 'DAPI', w2: 'FITC' });
  });

  it('Cellomics .C01 files are recognised but reported as a format ScopePilot cannot read', async () => {
    const r = await scanFolder(
      folder('c01', [
        ['MFGTMP_260306160001_A01f00d0.C01', 'x'],
        ['MFGTMP_260306160001_A01f00d1.C01', 'x'],
      ]),
      { probeSets: 0 },
    );
    expect(r.preset.id).toBe('cellomics');
    expect(r.problems.find((p) => p.code === 'unreadable-format')).toMatchObject({ level: 'fail', count: 2 });
  });

  it('ImageXpress plates exported under one experiment name: each plate folder becomes a plate, not duplicates', async () => {
    const files = ['1234', '1235'].flatMap((p) => ['A01', 'A02'].map((w) => `2024-05-01/${p}/TimePoint_1/screen_${w}_s1_w1.tif`));
    const r = await scanFolder(folder('ix-plates', files), { probeSets: 0 });
    expect(r.plates).toEqual(['1234', '1235']);
    expect(r.imageSets.map((s) => s.id)).toEqual(['1234_A01_s1', '1234_A02_s1', '1235_A01_s1', '1235_A02_s1']);
    expect(r.problems.map((p) => p.code)).not.toContain('duplicate');
    expect(r.summary.notes.join(' ')).toMatch(/same plate name is used in several folders \(screen\)/);
  });

  it('plain names: one image set per file; folders become conditions', async () => {
    const r = await scanFolder(folder('plain', ['dmso/img1.tif', 'dmso/img2.tif', 'drug/img1.tif', 'drug/other.png']), { probeSets: 0 });
    expect(r.preset.id).toBe('plain');
    expect(r.imageSets.map((s) => s.id)).toEqual(['dmso__img1', 'dmso__img2', 'drug__img1', 'drug__other']);
    expect(r.imageSets.map((s) => s.meta.condition)).toEqual(['dmso', 'dmso', 'drug', 'drug']);
  });

  it('a custom CellProfiler-style pattern with (?P<Well>...) groups', async () => {
    const root = folder('custom', ['exp7-well_B04-field3-DAPI.tif', 'exp7-well_B04-field3-GFP.tif']);
    const r = await scanFolder(root, {
      pattern: String.raw`(?P<Plate>[^-]+)-well_(?P<Well>[A-P]\d{2})-field(?P<Site>\d+)-(?P<Channel>\w+)\.tif`,
      probeSets: 0,
    });
    expect(r.preset.id).toBe('custom');
    expect(r.imageSets).toHaveLength(1);
    expect(r.imageSets[0]!.meta).toMatchObject({ plate: 'exp7', well: 'B04', site: 3 });
    expect(r.channels).toEqual(['DAPI', 'GFP']);
  });

  it('an invalid pattern is a clear user error', async () => {
    await expect(scanFolder(folder('custom', []), { pattern: '(?<well>[A-P' })).rejects.toThrow(/not a valid regular expression/);
    await expect(scanFolder(folder('custom', []), { pattern: 'nosuchpreset' })).rejects.toThrow(/unknown naming preset/);
  });
});

describe('scanFolder: problems', () => {
  it('reports every planted problem, never crashes, writes nothing into the folder', async () => {
    const ix = (w: string, s: number, c: number, guid = '0A1B2C3D-1111-2222-3333-444455556666') => `P1_${w}_s${s}_w${c}${guid}.tif`;
    const files: (string | [string, Buffer | string])[] = [
      ix('A01', 1, 1),
      ix('A01', 1, 2),
      ix('A01', 2, 1),
      ix('A01', 2, 2),
      ix('A02', 1, 1), // A02 s1 lacks w2; A02 has no s2
      [ix('A03', 1, 1), Buffer.alloc(0)], // empty file
      [ix('A03', 1, 2), 'not an image'], // unreadable
      ix('A04', 1, 1),
      ix('A04', 1, 2),
      ix('A04', 1, 2, '9F7E0279-D087-4B5E-9899-61971C29CB78'), // duplicate (other GUID)
      ix('A04', 2, 1),
      [ix('A04', 2, 2), tiff(20, 12)], // size mismatch within the set
      ix('A06', 1, 1),
      ix('A06', 1, 2),
      ix('A06', 2, 1),
      [ix('A06', 2, 2), tiff(16, 12, 100, 8)], // 8-bit export
      'notes/readme_image.tif', // matches no pattern
      ['Experiment.HTD', 'metadata'],
      'labels/P1_A01_s1_w1.tif',
      'P1_A01_s1_thumb0A1B2C3D-1111-2222-3333-444455556666.tif',
    ];
    const root = folder('problems', files);
    mkdirSync(join(root, 'empty-sub'));
    const before = readdirSync(root, { recursive: true }).length;
    const mtime = statSync(root).mtimeMs;
    const r = await scanFolder(root, { probeSets: Number.POSITIVE_INFINITY });
    expect(r.preset.id).toBe('imagexpress');
    const codes = new Set(r.problems.map((p) => p.code));
    for (const c of [
      'unmatched',
      'empty-file',
      'empty-folder',
      'duplicate',
      'missing-channel',
      'missing-site',
      'missing-well',
      'unreadable',
      'size-mismatch',
      'mixed-size',
      '8bit-export',
      'mixed-bit-depth',
    ])
      expect(codes, c).toContain(c);
    expect(r.problems.find((p) => p.code === 'missing-well')!.examples).toEqual(['A05']);
    expect(r.problems.find((p) => p.code === 'duplicate')!.examples[0]).toMatch(/A04_s1_w29F7E/);
    expect(r.summary.skipped).toMatchObject({ truthFiles: 1, thumbnails: 1, otherFiles: { '.htd': 1 } });
    expect(r.summary.notes.join(' ')).toMatch(/ground truth/);
    expect(readdirSync(root, { recursive: true }).length).toBe(before);
    expect(statSync(root).mtimeMs).toBe(mtime);
  });

  it('an empty folder is a "no-images" problem; a missing folder a clear error', async () => {
    const r = await scanFolder(folder('empty', []));
    expect(r.problems.map((p) => p.code)).toEqual(['no-images']);
    expect(r.imageSets).toEqual([]);
    await expect(scanFolder(join(tmp, 'nope'))).rejects.toThrow(/folder not found/);
  });

  it('scans 10,000 names without reading pixels beyond the probe sample', async () => {
    const root = join(tmp, 'many');
    mkdirSync(root);
    const rows = 'ABCDEFGHIJKLMNOP';
    let n = 0;
    for (let r = 0; r < 16 && n < 10_000; r++)
      for (let c = 1; c <= 24 && n < 10_000; c++)
        for (let s = 1; s <= 9 && n < 10_000; s++)
          for (let w = 1; w <= 3 && n < 10_000; w++, n++)
            writeFileSync(join(root, `big_${rows[r]}${String(c).padStart(2, '0')}_s${s}_w${w}.tif`), '');
    const r = await scanFolder(root, { probeSets: 0 });
    expect(r.summary.files).toBe(10_000);
    expect(r.imageSets.length).toBe(Math.ceil(10_000 / 3));
    expect(r.wells.length).toBe(371);
    expect(r.problems.find((p) => p.code === 'empty-file')!.count).toBe(10_000);
  });
});

describe.skipIf(!hasSharedData)('scanFolder on BBBC039 (real ImageXpress names)', () => {
  it('finds plate IXMtest, 50 image sets with channel w1, 12-bit 16-bit TIFFs, labels/ set aside', async () => {
    const r = await scanFolder(BBBC039);
    expect(r.preset).toMatchObject({ id: 'imagexpress' });
    expect(r.preset.confidence).toBe(1);
    expect(r.plates).toEqual(['IXMtest']);
    expect(r.channels).toEqual(['w1']);
    expect(r.imageSets).toHaveLength(50);
    expect(r.summary.skipped.truthFiles).toBe(50);
    expect(r.summary.bitDepths).toEqual({ '16': 24 });
    expect(r.summary.sizes).toEqual({ '696x520': 24 });
    expect(r.imageSets[0]!.id).toMatch(/^[A-P]\d{2}_s\d+$/);
    expect(r.problems.some((p) => p.code === 'duplicate' || p.code === 'unmatched')).toBe(false);
  });
});
