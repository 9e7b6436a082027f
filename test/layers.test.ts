import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs script without types
import { findViolations } from '../scripts/check-layers.mjs';

describe('layer rule: imports only point down', () => {
  it('the real source tree has no engine -> UI imports', () => {
    expect(findViolations()).toEqual([]);
  });

  it('flags an engine file that imports ink or the wizard', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-layers-'));
    mkdirSync(join(dir, 'src/engine/ops'), { recursive: true });
    mkdirSync(join(dir, 'src/wizard'), { recursive: true });
    writeFileSync(join(dir, 'src/engine/ops/bad.ts'), "import { Box } from 'ink';\nimport { x } from '../../wizard/state.js';\n");
    writeFileSync(join(dir, 'src/wizard/ok.ts'), "import { otsu } from '../engine/ops/bad.js';\n");
    const bad: string[] = findViolations(dir);
    expect(bad).toHaveLength(2);
    expect(bad[0]).toContain('ink');
    expect(bad[1]).toContain('src/wizard');
  });
});
