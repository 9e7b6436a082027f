import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QcFileResult, qcFiles } from '../../../src/engine/measure/qc-files.js';
import { hasSharedData } from '../../helpers/shared-data.js';
import { makeDamagedPlate, type PlateField } from './damaged-plate.js';

// Three plates from different source fields (rotations of the sorted BBBC039 list).
describe.skipIf(!hasSharedData).each([0, 11, 22])(
  'QC on a damaged BBBC039 plate (14 normal fields + 8 damaged), sources rotated by %i',
  (rotate) => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-qc-plate-'));
    let fields: PlateField[] = [];
    let results: QcFileResult[] = [];
    beforeAll(async () => {
      fields = await makeDamagedPlate(dir, 14, rotate);
      results = await qcFiles(fields.map((f) => f.path));
    }, 120_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('flags every damaged field with the right reason', () => {
      const missed: string[] = [];
      for (const [i, f] of fields.entries()) {
        if (!f.expected) continue;
        const r = results[i]!;
        if (r.level === 'ok' || !r.reasons.split(';').includes(f.expected)) missed.push(`${f.damage}: got "${r.reasons}" (${r.level})`);
      }
      expect(missed).toEqual([]);
    });

    it('flags no normal field', () => {
      const flagged = fields
        .map((f, i) => ({ f, r: results[i]! }))
        .filter(({ f, r }) => !f.expected && r.level !== 'ok')
        .map(({ f, r }) => `${f.path}: ${r.reasons} - ${r.verdicts.map((v) => v.message).join(' | ')}`);
      expect(flagged).toEqual([]);
    });

    it('pixel damages get only their own reason (no collateral flags)', () => {
      for (const [i, f] of fields.entries()) {
        if (!f.expected || f.expected === 'format') continue;
        expect(results[i]!.reasons, f.damage).toBe(f.expected);
      }
    });

    it('every verdict says what to do', () => {
      for (const r of results) for (const v of r.verdicts) if (v.level !== 'ok') expect(v.action ?? '').not.toBe('');
    });
  },
);
