/**
 * The software environment for the methods record: ScopePilot, Node.js, the platform, and the
 * exact version of each engine library (read from their package.json files, and libvips from
 * sharp). A run records these in run.json; the methods record prefers those (the versions that
 * actually produced the results) and falls back to this process's environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { arch, cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../../version.js';
import { loadSharp } from '../io/sharp-load.js';

/** Engine libraries whose versions decide results or outputs. */
export const ENGINE_LIBRARIES = ['sharp', 'geotiff', 'zod', '@duckdb/node-api', 'vega', 'vega-lite', 'onnxruntime-node'] as const;

/** A JSON file of an installed package, found by walking up to node_modules from this file; undefined if absent or unreadable. */
function packageJson(name: string, file: string): Record<string, unknown> | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'node_modules', name, file);
    if (existsSync(p)) {
      try {
        return JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Version of an installed package, found by walking up to node_modules from this file; undefined if absent. */
export function packageVersion(name: string): string | undefined {
  const v = packageJson(name, 'package.json')?.version;
  return typeof v === 'string' ? v : undefined;
}

/**
 * The version of the libvips that sharp runs on: from the versions.json of sharp's prebuilt
 * libvips package for this platform (what sharp.versions.vips reports), else from sharp itself.
 * Read from the file because loading sharp only for this took 40-50 ms and 20 MB at the end of
 * every run (the report needs sharp only for thumbnails whose source images are gone, see thumbs.ts).
 */
async function libvipsVersion(): Promise<string | undefined> {
  for (const libc of process.platform === 'linux' ? ['', 'musl'] : ['']) {
    const v = packageJson(`@img/sharp-libvips-${process.platform}${libc}-${process.arch}`, 'versions.json')?.vips;
    if (typeof v === 'string') return v;
  }
  try {
    return (await loadSharp()).versions?.vips;
  } catch {
    return undefined; // sharp not loadable here: libvips version unknown
  }
}

/**
 * The current environment as name -> version: scopepilot, node, platform (os/arch/release), cpu,
 * each engine library, and libvips (via sharp, when it loads). Keys are stable.
 */
export async function currentEnvironment(): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    scopepilot: VERSION,
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
  };
  const cpu = cpus()[0]?.model;
  if (cpu) env.cpu = cpu.trim();
  for (const lib of ENGINE_LIBRARIES) {
    const v = packageVersion(lib);
    if (v) env[lib] = v;
  }
  const vips = await libvipsVersion();
  if (vips) env.libvips = vips;
  return env;
}
