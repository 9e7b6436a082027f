import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatScan, plateGrids } from '../../src/commands/scan-format.js';
import { writeDemoPlate } from '../../src/engine/dataset/demo.js';
import { scanFolder } from '../../src/engine/dataset/scan.js';

const tmp = mkdtempSync(join(tmpdir(), 'sp-scancmd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scan report', async () => {
  const info = await writeDemoPlate(join(tmp, 'demo'));
  const scan = await scanFolder(info.dir, { plateMap: info.plateMap });

  it('summarises naming, layout, formats and pixel size in plain words', () => {
    const text = formatScan(scan);
    expect(text).toMatch(/Naming: Molecular Devices ImageXpress .* - sure \(100% of the names fit\)/);
    expect(text).toMatch(/12 well\(s\); 2 site\(s\) per well; channels: w1, w2/);
    expect(text).toMatch(/16-bit \(48\); 256x256 \(48\) pixels; values use up to 12 bits; 0\.65 µm per pixel/);
    expect(text).toMatch(/DEMO_A01_s1_w1[0-9A-F-]+\.tif -> plate DEMO, well A01, site 1, channel w1/);
    expect(text).toMatch(/warn .*clipped/);
  });

  it('draws a 96-well grid with images per well and marks problem wells', () => {
    const [grid] = plateGrids(scan);
    const lines = grid!.split('\n');
    expect(lines[1]!.trim().split(/\s+/)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(lines[2]!.trim().split(/\s+/)).toEqual(['A', '2', '2', '2', '2', '2!', '2', '.', '.', '.', '.', '.', '.']);
    expect(lines[3]!.trim().split(/\s+/).slice(0, 4)).toEqual(['B', '2', '2', '2!']);
    expect(lines).toHaveLength(2 + 8);
  });
});

const dist = resolve(import.meta.dirname, '../../dist');
const canRunCli = existsSync(join(dist, 'commands/scan.js'));
if (!canRunCli) console.warn('[scan tests] dist/ without the scan command: run `npm run build`; CLI test skipped');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(dist, 'cli.js'), ...args], { encoding: 'utf8' });

describe.skipIf(!canRunCli)('scopepilot demo / scan / subset / platemap (built CLI)', () => {
  it('demo, then scan --json, subset --json and a plate map template, never writing into the folder', () => {
    const dir = join(tmp, 'cli-demo');
    expect(cli('demo', '--out', dir).status).toBe(0);
    const before = readdirSync(dir, { recursive: true }).length;
    const s = cli('scan', dir, '--json', '--plate-map', join(dir, 'platemap.csv'));
    expect(s.status).toBe(0);
    const inv = JSON.parse(s.stdout);
    expect(inv.preset.id).toBe('imagexpress');
    expect(inv.files).toHaveLength(48);
    expect(inv.imageSets[0].meta.condition).toBe('DMSO');
    const sub = cli('subset', dir, '--n', '6', '--json');
    expect(sub.status).toBe(0);
    expect(JSON.parse(sub.stdout).picks).toHaveLength(6);
    const tpl = join(tmp, 'tpl.csv');
    expect(cli('platemap', 'template', dir, '--out', tpl).status).toBe(0);
    expect(readFileSync(tpl, 'utf8').split('\n')).toHaveLength(14);
    const inside = cli('platemap', 'template', dir, '--out', join(dir, 'x.csv'));
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/never writes into input folders/);
    expect(readdirSync(dir, { recursive: true }).length).toBe(before);
  });

  it('a missing folder is a one-line error with what to do; no image sets exits 1', () => {
    const r = cli('scan', join(tmp, 'nope'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/folder not found/);
    const e = cli('scan', join(tmp, 'cli-demo', 'labels', '..', 'images', '..', '..'), '--json', '--pattern', 'cellomics');
    expect(e.status).toBe(1);
    expect(JSON.parse(e.stdout).problems.map((p: { code: string }) => p.code)).toContain('unmatched');
  });
});
