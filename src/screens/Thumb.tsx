/**
 * A thumbnail: the PNG drawn with coloured half-blocks (terminal-image, ANSI mode so it lays out
 * inside Ink on any terminal, including over SSH), or, without images, its caption and path.
 */
import { readFile } from 'node:fs/promises';
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { useDisplay } from './display.js';

export interface ThumbProps {
  path: string;
  caption: string;
  /** Columns. */
  width: number;
  /** Rows (each row is two pixel rows). */
  height: number;
}

const cache = new Map<string, string>();

async function draw(path: string, width: number, height: number): Promise<string> {
  const k = `${path}|${width}|${height}`;
  const hit = cache.get(k);
  if (hit !== undefined) return hit;
  const { default: terminalImage } = await import('terminal-image');
  const s = await terminalImage.buffer(await readFile(path), { width, height, preferNativeRender: false });
  cache.set(k, s);
  return s;
}

export function Thumb({ path, caption, width, height }: ThumbProps) {
  const { images } = useDisplay();
  const [art, setArt] = useState<string | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!images) return;
    let live = true;
    setArt(undefined);
    draw(path, width, height).then(
      (s) => live && setArt(s),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [images, path, width, height]);
  if (!images || failed) {
    return (
      <Box flexDirection="column" width={width}>
        <Text wrap="truncate-start">[{caption}]</Text>
        <Text wrap="truncate-start">{path}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <Box height={height}>{art === undefined ? <Text dimColor>drawing…</Text> : <Text>{art}</Text>}</Box>
      <Text wrap="truncate">{caption}</Text>
    </Box>
  );
}
