/**
 * A thumbnail: the PNG as a real picture where the terminal speaks kitty's graphics protocol (a grid
 * of placeholder cells that Ink lays out like text, see kitty.ts), as coloured half-blocks
 * elsewhere (terminal-image in ANSI mode, so it lays out inside Ink on any terminal, including over
 * SSH), or, without images, its caption and path.
 */
import { readFile } from 'node:fs/promises';
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { useDisplay } from './display.js';
import { fileVersion, placeholderRows } from './kitty.js';

export interface ThumbProps {
  path: string;
  caption: string;
  /** Columns. */
  width: number;
  /** Rows (with half-blocks each row is two pixel rows). */
  height: number;
  /** Caption in bold and inverse (the chosen of two pictures; its words say so too, for no colour). */
  marked?: boolean;
}

/** Half-block drawings by path, file version and size; the oldest go beyond this many. */
const CACHE_MAX = 64;
const cache = new Map<string, string>();

async function draw(path: string, width: number, height: number): Promise<string> {
  const k = `${path}|${await fileVersion(path)}|${width}|${height}`;
  const hit = cache.get(k);
  if (hit !== undefined) return hit;
  const { default: terminalImage } = await import('terminal-image');
  const s = await terminalImage.buffer(await readFile(path), { width, height, preferNativeRender: false });
  cache.set(k, s);
  for (const old of cache.keys()) {
    if (cache.size <= CACHE_MAX) break;
    cache.delete(old);
  }
  return s;
}

export function Thumb({ path, caption, width, height, marked = false }: ThumbProps) {
  const { images, kitty } = useDisplay();
  const [art, setArt] = useState<string | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!images) return;
    let live = true;
    setArt(undefined);
    setFailed(false);
    const job = kitty
      ? kitty.show(path, width, height).then((id) => placeholderRows(id, width, height).join('\n'))
      : draw(path, width, height);
    job.then(
      (s) => live && setArt(s),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      kitty?.release(path, width, height);
    };
  }, [images, kitty, path, width, height]);
  if (!images || failed) {
    return (
      <Box flexDirection="column" width={width}>
        <Text wrap="truncate-start" bold={marked} inverse={marked}>
          [{caption}]
        </Text>
        <Text wrap="truncate-start">{path}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <Box height={height}>{art === undefined ? <Text dimColor>drawing…</Text> : <Text>{art}</Text>}</Box>
      <Text wrap="truncate" bold={marked} inverse={marked}>
        {caption}
      </Text>
    </Box>
  );
}
