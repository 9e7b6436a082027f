import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { currentEnvironment, ENGINE_LIBRARIES, packageVersion } from '../../../src/engine/report/environment.js';

describe('currentEnvironment', () => {
  it('gives the libvips version sharp runs on, read from its file without loading sharp', async () => {
    const env = await currentEnvironment();
    // what sharp itself reports (loaded here only to compare)
    const sharp = createRequire(import.meta.url)('sharp') as { versions: { vips?: string } };
    expect(env.libvips).toBe(sharp.versions.vips);
    expect(env.libvips).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gives the installed version of every engine library, and ScopePilot, Node.js and the platform', async () => {
    const env = await currentEnvironment();
    for (const lib of ENGINE_LIBRARIES) expect(env[lib]).toBe(packageVersion(lib));
    expect(env.sharp).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.node).toBe(process.version);
    expect(env.platform).toContain(process.arch);
  });
});
