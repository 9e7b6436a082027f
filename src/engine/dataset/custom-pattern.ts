/**
 * A naming preset from the user's regular expression with named groups (CellProfiler's
 * `(?P<Well>...)` syntax accepted).
 */
import { UserError } from '../errors.js';
import type { ParsedName, Preset } from './presets.js';
import { parseWell, rowLetters } from './wells.js';

/** Group names a custom pattern may use (CellProfiler's included), lower-cased, to our fields. */
const GROUP_ALIASES: Record<string, keyof ParsedName | 'well' | 'col'> = {
  plate: 'plate',
  well: 'well',
  wellrow: 'row',
  row: 'row',
  column: 'col',
  col: 'col',
  wellcolumn: 'col',
  site: 'site',
  field: 'site',
  fov: 'site',
  series: 'site',
  channel: 'channel',
  channelnumber: 'channel',
  channelname: 'channel',
  wavelength: 'channel',
  z: 'z',
  plane: 'z',
  zstep: 'z',
  slice: 'z',
  t: 't',
  time: 't',
  timepoint: 't',
  frame: 't',
};

/**
 * A preset from a user regular expression with named groups. CellProfiler's `(?P<Well>...)`
 * syntax is accepted. Recognised group names (any case): Plate, Well, Row, Column/Col, Site/Field,
 * Channel/ChannelNumber/Wavelength, Z/Plane, T/Time/Timepoint; others become extra metadata.
 * A pattern containing `/` is matched against the path relative to the scanned folder.
 * @throws UserError when the pattern is not a valid regular expression or has no named group.
 */
export function customPreset(pattern: string): Preset {
  const src = pattern.replace(/\(\?P</g, '(?<');
  let re: RegExp;
  try {
    re = new RegExp(src);
  } catch (err) {
    throw new UserError(
      `--pattern is not a valid regular expression: ${(err as Error).message}`,
      'e.g. --pattern "(?<plate>[^_]+)_(?<well>[A-P][0-9]{2})_s(?<site>[0-9]+)_w(?<channel>[0-9])"',
    );
  }
  if (!/\(\?<[A-Za-z_]\w*>/.test(src))
    throw new UserError(
      '--pattern has no named group, so it cannot say which part is the well, site or channel',
      'name the parts, e.g. (?<well>[A-P][0-9]{2}) and (?<channel>[0-9])',
    );
  const onRel = src.includes('/');
  return {
    id: 'custom',
    name: `Custom pattern ${pattern}`,
    example: '',
    parse(base, rel) {
      const m = re.exec(onRel ? rel : base);
      if (!m?.groups) return undefined;
      const out: ParsedName = {};
      const extra: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups)) {
        if (v === undefined) continue;
        const f = GROUP_ALIASES[k.toLowerCase()];
        if (f === 'well') {
          const w = parseWell(v);
          if (w) {
            out.row = w.row;
            out.column = w.column;
          } else extra[k] = v;
        } else if (f === 'row') out.row = rowLetters(v);
        else if (f === 'col') out.column = Number(v);
        else if (f === 'site' || f === 'z' || f === 't') {
          const n = Number(v);
          if (Number.isFinite(n)) out[f] = n;
          else extra[k] = v;
        } else if (f === 'plate' || f === 'channel') out[f] = v;
        else extra[k] = v;
      }
      if (out.channel === undefined) out.channel = 'image';
      if (Object.keys(extra).length) out.extra = extra;
      return out;
    },
  };
}
