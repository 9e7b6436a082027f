/**
 * Well names: row letters (A..P, AA..AF for 1536-well plates) and 1-based columns, in the
 * canonical zero-padded form `A01`.
 */

/** Row letters -> upper case; numeric rows (Opera r01) -> letters (1 = A, 27 = AA). */
export function rowLetters(row: string): string {
  if (/^\d+$/.test(row)) {
    let n = Number(row);
    let s = '';
    while (n > 0) {
      s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
      n = Math.floor((n - 1) / 26);
    }
    return s;
  }
  return row.toUpperCase();
}

/** Well name in the canonical zero-padded form: `A01`, `P24`, `AF48`. */
export function wellName(row: string, column: number): string {
  return `${rowLetters(row)}${String(column).padStart(2, '0')}`;
}

/** Parse a well name like `A1`, `a01`, `B 12`, `AF48`, `r02c03` into row letters and column (1..48); undefined if it is not one. */
export function parseWell(s: string): { row: string; column: number } | undefined {
  const t = s.trim();
  let m = /^([A-Za-z]|[Aa][A-Fa-f])\s*0*(\d{1,3})$/.exec(t);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 48) return { row: m[1]!.toUpperCase(), column: Number(m[2]) };
  m = /^r(\d{1,2})c(\d{1,2})$/i.exec(t);
  if (m) return { row: rowLetters(m[1]!), column: Number(m[2]) };
  return undefined;
}
