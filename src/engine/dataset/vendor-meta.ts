/**
 * Facts the instruments write beside the images: ImageXpress `.HTD` files (wavelength names)
 * and Harmony `Index.idx.xml` / `Index.xml` (pixel size, channel names). Read with plain
 * regular expressions; files above 64 MB are skipped. Never throws: a file that cannot be read
 * gives nothing.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface VendorMeta {
  /** Channel key as ScopePilot names it (w1, ch1) -> the instrument's name (DAPI, HOECHST 33342). */
  channelNames: Record<string, string>;
  pixelSizeUm?: number;
  /** Relative paths of the files that were read. */
  sources: string[];
}

const MAX_BYTES = 64 * 1024 * 1024;

/** Metres (or the unit given) to µm. */
function toUm(value: number, unit: string | undefined): number {
  const u = (unit ?? 'm').toLowerCase();
  if (u === 'm') return value * 1e6;
  if (u === 'mm') return value * 1e3;
  if (u === 'nm') return value / 1e3;
  return value;
}

/** Parse an ImageXpress .HTD: `"WaveName1", "DAPI"` -> { w1: 'DAPI' }. */
export function parseHtd(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/"WaveName(\d+)",\s*"([^"]*)"/g)) if (m[2]) out[`w${m[1]}`] = m[2];
  return out;
}

/** Parse a Harmony Index.idx.xml / Index.xml: pixel size and `ChannelID -> ChannelName`. */
export function parseHarmonyIndex(text: string): { channelNames: Record<string, string>; pixelSizeUm?: number } {
  const channelNames: Record<string, string> = {};
  for (const m of text.matchAll(/<Entry ChannelID="(\d+)"[^>]*>([\s\S]*?)<\/Entry>/g)) {
    const name = /<ChannelName>([^<]+)<\/ChannelName>/.exec(m[2]!);
    if (name && channelNames[`ch${Number(m[1])}`] === undefined) channelNames[`ch${Number(m[1])}`] = name[1]!.trim();
  }
  const res = /<ImageResolutionX(?:\s+Unit="([^"]*)")?>([^<]+)<\/ImageResolutionX>/.exec(text);
  const v = res ? Number(res[2]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? { channelNames, pixelSizeUm: Math.round(toUm(v, res![1]) * 1e5) / 1e5 } : { channelNames };
}

/** Read the vendor metadata files a walk found (relative to `root`). */
export async function readVendorMeta(root: string, files: string[]): Promise<VendorMeta> {
  const out: VendorMeta = { channelNames: {}, sources: [] };
  for (const rel of files) {
    try {
      const path = join(root, rel);
      if ((await stat(path)).size > MAX_BYTES) continue;
      const text = await readFile(path, 'utf8');
      if (/\.htd$/i.test(rel)) {
        const names = parseHtd(text);
        if (Object.keys(names).length) {
          out.channelNames = { ...names, ...out.channelNames };
          out.sources.push(rel);
        }
      } else {
        const h = parseHarmonyIndex(text);
        if (Object.keys(h.channelNames).length || h.pixelSizeUm !== undefined) {
          out.channelNames = { ...h.channelNames, ...out.channelNames };
          if (h.pixelSizeUm !== undefined) out.pixelSizeUm ??= h.pixelSizeUm;
          out.sources.push(rel);
        }
      }
    } catch {
      // unreadable metadata: the scan goes on from the file names
    }
  }
  return out;
}
