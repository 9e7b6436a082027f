/**
 * How the terminal can show things: pictures (half-block thumbnails) or text only, colour or not.
 * Text only with --no-images, TERM=dumb, or NO_COLOR (no colour implies no coloured blocks).
 */
import { createContext, useContext } from 'react';

export interface Display {
  images: boolean;
  color: boolean;
}

export function displayFromEnv(o: { noImages?: boolean }, env: NodeJS.ProcessEnv = process.env): Display {
  const color = env.NO_COLOR === undefined || env.NO_COLOR === '';
  const dumb = env.TERM === 'dumb';
  return { images: !o.noImages && !dumb && color, color: color && !dumb };
}

export const DisplayContext = createContext<Display>({ images: false, color: false });
export const useDisplay = () => useContext(DisplayContext);
