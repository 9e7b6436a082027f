/**
 * Pictures through kitty's graphics protocol with Unicode placeholders (kitty >= 0.28, Ghostty).
 *
 * The PNG is sent once with a virtual placement (`a=T,U=1`) of `cols` x `rows` cells. The terminal
 * then draws the picture wherever it finds placeholder cells: U+10EEEE followed by a row and a column
 * diacritic, with the image id as the foreground colour. Those cells are ordinary one-column text,
 * so Ink lays them out, re-renders and scrolls them like any other text (an inline image drawn at the
 * cursor would take no room in Ink's layout and be overdrawn). The terminal fits the picture into the
 * box keeping its aspect ratio, centred.
 * @see https://sw.kovidgoyal.net/kitty/graphics-protocol/#unicode-placeholders
 */
import { randomInt } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** The placeholder character (a private-use code point; one column wide). */
export const PLACEHOLDER = '\u{10EEEE}';

/**
 * Row/column diacritics: the one at index n encodes row or column n. kitty's
 * gen/rowcolumn-diacritics.txt, 297 combining marks of class 230, in code point order.
 */
export const DIACRITICS: readonly number[] = [
  '305 30d 30e 310 312 33d 33e 33f 346 34a 34b 34c 350 351 352 357 35b 363 364 365',
  '366 367 368 369 36a 36b 36c 36d 36e 36f 483 484 485 486 487 592 593 594 595 597',
  '598 599 59c 59d 59e 59f 5a0 5a1 5a8 5a9 5ab 5ac 5af 5c4 610 611 612 613 614 615',
  '616 617 657 658 659 65a 65b 65d 65e 6d6 6d7 6d8 6d9 6da 6db 6dc 6df 6e0 6e1 6e2',
  '6e4 6e7 6e8 6eb 6ec 730 732 733 735 736 73a 73d 73f 740 741 743 745 747 749 74a',
  '7eb 7ec 7ed 7ee 7ef 7f0 7f1 7f3 816 817 818 819 81b 81c 81d 81e 81f 820 821 822',
  '823 825 826 827 829 82a 82b 82c 82d 951 953 954 f82 f83 f86 f87 135d 135e 135f 17dd',
  '193a 1a17 1a75 1a76 1a77 1a78 1a79 1a7a 1a7b 1a7c 1b6b 1b6d 1b6e 1b6f 1b70 1b71 1b72 1b73 1cd0 1cd1',
  '1cd2 1cda 1cdb 1ce0 1dc0 1dc1 1dc3 1dc4 1dc5 1dc6 1dc7 1dc8 1dc9 1dcb 1dcc 1dd1 1dd2 1dd3 1dd4 1dd5',
  '1dd6 1dd7 1dd8 1dd9 1dda 1ddb 1ddc 1ddd 1dde 1ddf 1de0 1de1 1de2 1de3 1de4 1de5 1de6 1dfe 20d0 20d1',
  '20d4 20d5 20d6 20d7 20db 20dc 20e1 20e7 20e9 20f0 2cef 2cf0 2cf1 2de0 2de1 2de2 2de3 2de4 2de5 2de6',
  '2de7 2de8 2de9 2dea 2deb 2dec 2ded 2dee 2def 2df0 2df1 2df2 2df3 2df4 2df5 2df6 2df7 2df8 2df9 2dfa',
  '2dfb 2dfc 2dfd 2dfe 2dff a66f a67c a67d a6f0 a6f1 a8e0 a8e1 a8e2 a8e3 a8e4 a8e5 a8e6 a8e7 a8e8 a8e9',
  'a8ea a8eb a8ec a8ed a8ee a8ef a8f0 a8f1 aab0 aab2 aab3 aab7 aab8 aabe aabf aac1 fe20 fe21 fe22 fe23',
  'fe24 fe25 fe26 10a0f 10a38 1d185 1d186 1d187 1d188 1d189 1d1aa 1d1ab 1d1ac 1d1ad 1d242 1d243 1d244',
]
  .join(' ')
  .split(' ')
  .map((h) => Number.parseInt(h, 16));

/** Largest image id: placeholder cells carry the id in a 24-bit foreground colour. */
export const MAX_ID = 0xffffff;

/** Base64 bytes per escape sequence (the protocol's limit; a multiple of 4 as it requires). */
export const CHUNK = 4096;

const ESC = '\u001B';

function checkBox(id: number, cols: number, rows: number): void {
  if (!Number.isInteger(id) || id < 1 || id > MAX_ID) throw new RangeError(`kitty image id ${id} is outside 1..${MAX_ID}`);
  for (const [name, n] of [
    ['columns', cols],
    ['rows', rows],
  ] as const) {
    if (!Number.isInteger(n) || n < 1 || n > DIACRITICS.length)
      throw new RangeError(`a kitty placeholder grid has 1..${DIACRITICS.length} ${name}, not ${n}`);
  }
}

/**
 * The placeholder text for image `id` in a `cols` x `rows` box: one string per row, each
 * `ESC[38;2;R;G;Bm` (R, G, B = the id's three bytes, high to low), then per cell U+10EEEE + row
 * diacritic + column diacritic, then `ESC[39m`. Every cell names its row and column, so a row still
 * draws the right slice when a layout cuts or moves it. Each row is exactly `cols` columns wide.
 */
export function placeholderRows(id: number, cols: number, rows: number): string[] {
  checkBox(id, cols, rows);
  const fg = `${ESC}[38;2;${(id >> 16) & 0xff};${(id >> 8) & 0xff};${id & 0xff}m`;
  const mark = (n: number) => String.fromCodePoint(DIACRITICS[n]!);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = fg;
    for (let c = 0; c < cols; c++) line += PLACEHOLDER + mark(r) + mark(c);
    lines.push(`${line}${ESC}[39m`);
  }
  return lines;
}

/** One graphics command: `ESC _G <keys> ; <payload> ESC \`. */
function command(keys: string, payload?: string): string {
  return `${ESC}_G${keys}${payload === undefined ? '' : `;${payload}`}${ESC}\\`;
}

/**
 * tmux's passthrough: `ESC Ptmux;` + the sequence with every ESC doubled + `ESC \`. tmux hands it
 * to the outer terminal only with `allow-passthrough on` (tmux >= 3.3).
 */
export function tmuxPassthrough(seq: string): string {
  return `${ESC}Ptmux;${seq.replaceAll(ESC, ESC + ESC)}${ESC}\\`;
}

/**
 * A file's version for caches of drawn pictures: inode, size and modification time. The wizard's
 * engine rewrites a preview in place when a setting changes, so the path alone is not enough.
 */
export async function fileVersion(path: string): Promise<string> {
  const st = await stat(path);
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

/** True when the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length > sig.length && sig.every((b, i) => bytes[i] === b);
}

/**
 * The escape sequences that send a PNG as image `id` with a virtual placement of `cols` x `rows`
 * cells: `a=T,f=100,U=1,i=<id>,c=<cols>,r=<rows>,C=1,q=2,m=<more>` on the first chunk, `m=<more>,q=2`
 * on the others (the spec allows only m and q there); base64 in chunks of CHUNK bytes, m=1 on all
 * but the last. q=2 keeps the terminal silent: its replies would arrive on stdin as key presses.
 * C=1: the cursor stays put. With `tmux`, each chunk is wrapped for tmux's passthrough.
 * Transmitting under an id the terminal already has replaces that picture.
 */
export function transmitSequence(png: Uint8Array, o: { id: number; cols: number; rows: number; tmux?: boolean }): string {
  checkBox(o.id, o.cols, o.rows);
  if (!isPng(png)) throw new Error('the thumbnail is not a PNG file (kitty pictures are sent as PNG)');
  const data = Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
  const out: string[] = [];
  for (let at = 0; at < data.length; at += CHUNK) {
    const more = at + CHUNK < data.length ? 1 : 0;
    const keys = at === 0 ? `a=T,f=100,U=1,i=${o.id},c=${o.cols},r=${o.rows},C=1,q=2,m=${more}` : `m=${more},q=2`;
    const seq = command(keys, data.slice(at, at + CHUNK));
    out.push(o.tmux ? tmuxPassthrough(seq) : seq);
  }
  return out.join('');
}

/** The escape sequence that deletes image `id` with its placements and frees its data (`a=d,d=I`). */
export function deleteSequence(id: number, tmux = false): string {
  const seq = command(`a=d,d=I,i=${id},q=2`);
  return tmux ? tmuxPassthrough(seq) : seq;
}

export interface KittyImagesOptions {
  /** Where the escape sequences go; default process.stdout (the terminal Ink draws on). */
  write?: (seq: string) => void;
  /** Wrap every command for tmux's passthrough. */
  tmux?: boolean;
  /** Pictures kept in the terminal that no thumbnail shows (least recently shown deleted first); default 16. */
  keep?: number;
  /** First image id; default random, so two programs in one kitty window rarely pick the same ids. */
  firstId?: number;
}

interface Slot {
  id: number;
  /** inode, size and mtime of the file last sent; undefined before the first transmission. */
  sent: string | undefined;
  users: number;
  lastShown: number;
  /** Transmissions for this slot run one after another. */
  queue: Promise<void>;
}

/**
 * The pictures this program has sent to a kitty-protocol terminal: one image id per path and box
 * size, sent once and sent again only when the file changes (same id, so the terminal replaces it).
 * Pictures no thumbnail shows stay for going back, up to `keep`; older ones are deleted.
 */
export class KittyImages {
  readonly tmux: boolean;
  private readonly write: (seq: string) => void;
  private readonly keep: number;
  private readonly slots = new Map<string, Slot>();
  private nextId: number;
  private clock = 0;

  constructor(o: KittyImagesOptions = {}) {
    this.write = o.write ?? ((seq) => void process.stdout.write(seq));
    this.tmux = o.tmux ?? false;
    this.keep = o.keep ?? 16;
    this.nextId = o.firstId ?? randomInt(1, MAX_ID - 0xffff);
  }

  /**
   * Make the PNG at `path` showable in a `cols` x `rows` box and return its image id (for
   * placeholderRows). The escape sequences are written before the promise resolves, so before the
   * placeholder text is rendered. Pair every call with release(path, cols, rows).
   */
  async show(path: string, cols: number, rows: number): Promise<number> {
    checkBox(1, cols, rows);
    const key = `${path}|${cols}|${rows}`;
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { id: this.allocate(), sent: undefined, users: 0, lastShown: 0, queue: Promise.resolve() };
      this.slots.set(key, slot);
    }
    const s = slot;
    s.users++;
    s.lastShown = ++this.clock;
    const job = s.queue.then(async () => {
      const version = await fileVersion(path);
      if (version === s.sent) return;
      this.write(transmitSequence(await readFile(path), { id: s.id, cols, rows, tmux: this.tmux }));
      s.sent = version;
      // released and evicted while the file was read: do not leave the picture in the terminal
      if (this.slots.get(key) !== s) this.write(deleteSequence(s.id, this.tmux));
    });
    s.queue = job.catch(() => undefined);
    await job;
    return s.id;
  }

  /** The thumbnail no longer shows this picture; it may be deleted once more than `keep` are unused. */
  release(path: string, cols: number, rows: number): void {
    const slot = this.slots.get(`${path}|${cols}|${rows}`);
    if (slot) slot.users = Math.max(0, slot.users - 1);
    this.evict();
  }

  /** Pictures held in the terminal (shown or kept). */
  get size(): number {
    return this.slots.size;
  }

  /** Delete every picture from the terminal (when the wizard exits). */
  dispose(): void {
    for (const s of this.slots.values()) if (s.sent !== undefined) this.write(deleteSequence(s.id, this.tmux));
    this.slots.clear();
  }

  private allocate(): number {
    const id = this.nextId;
    this.nextId = id >= MAX_ID ? 1 : id + 1;
    return id;
  }

  private evict(): void {
    const unused = [...this.slots].filter(([, s]) => s.users === 0).sort((a, b) => a[1].lastShown - b[1].lastShown);
    for (const [key, s] of unused.slice(0, Math.max(0, unused.length - this.keep))) {
      this.slots.delete(key);
      if (s.sent !== undefined) this.write(deleteSequence(s.id, this.tmux));
    }
  }
}
