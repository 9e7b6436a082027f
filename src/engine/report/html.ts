/**
 * The report page: one self-contained HTML file (inline CSS, inline SVG plots, thumbnails as
 * data URIs, no script, no network) that opens from a laptop after `scp`. Built from plain
 * data by a pure function, so the same inputs give the same bytes.
 */

export interface Thumb {
  id: string;
  caption: string;
  /** data:image/png;base64,... */
  src: string;
  flagged: boolean;
}

export interface ReportPage {
  title: string;
  /** Lines under the title (question, run dates, counts). */
  facts: string[];
  /** The answer in words (tolerance statement). */
  answer?: string;
  warnings: string[];
  /** Statistics lines (conditions, effects, Z', QC note). */
  statistics: string[];
  /** Named inline SVG figures, in order. */
  figures: { id: string; title: string; svg: string; caption?: string }[];
  qc: {
    levels?: { ok: number; warn: number; fail: number };
    rows: { id: string; well: string; condition: string; worst: string; checks: string; reason: string }[];
  };
  thumbs: Thumb[];
  failures: { id: string; stage: string; reason: string }[];
  /** The methods paragraph and checklist summary. */
  methods?: { paragraph: string; checklist: { item: string; status: string; note: string }[] };
  footer: string;
}

/** Escape text for HTML content and attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const CSS = `
body{font-family:Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1000px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.facts{color:#555;margin:0;padding-left:18px}.answer{background:#eef6ee;border-left:4px solid #2ca02c;padding:10px 14px;margin:16px 0}
.warn{background:#fff4e5;border-left:4px solid #ff7f0e;padding:8px 14px;margin:8px 0}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}figure{margin:16px 0}figcaption{color:#555;font-size:13px}
.thumbs{display:flex;flex-wrap:wrap;gap:10px}.thumb{width:240px;font-size:12px}.thumb img{width:240px;display:block;border:3px solid #2ca02c}
.thumb.flagged img{border-color:#d62728}.status-done{color:#2ca02c}.status-todo{color:#d62728}.muted{color:#777}
footer{color:#777;font-size:12px;margin-top:32px}
svg{max-width:100%;height:auto}
`;

function list(items: string[], cls = ''): string {
  return items.length ? `<ul${cls ? ` class="${cls}"` : ''}>${items.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '';
}

/** Render the report page. */
export function renderReportHtml(p: ReportPage): string {
  const h: string[] = [];
  h.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">');
  h.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  h.push(`<title>${esc(p.title)}</title>`, `<style>${CSS}</style>`, '</head>', '<body>', '<main>');
  h.push(`<h1>${esc(p.title)}</h1>`, list(p.facts, 'facts'));
  if (p.answer) h.push(`<div class="answer" id="answer"><strong>Answer.</strong> ${esc(p.answer)}</div>`);
  for (const w of p.warnings) h.push(`<div class="warn">${esc(w)}</div>`);
  h.push('<h2 id="statistics">Statistics</h2>', list(p.statistics));
  for (const f of p.figures) {
    h.push(
      `<h2 id="${esc(f.id)}">${esc(f.title)}</h2>`,
      `<figure>${f.svg}${f.caption ? `<figcaption>${esc(f.caption)}</figcaption>` : ''}</figure>`,
    );
  }
  h.push('<h2 id="qc">Quality control</h2>');
  if (p.qc.levels)
    h.push(
      `<table><tr><th>Worst verdict</th><th>Image sets</th></tr><tr><td>ok</td><td>${p.qc.levels.ok}</td></tr><tr><td>doubtful (warn)</td><td>${p.qc.levels.warn}</td></tr><tr><td>failing (fail)</td><td>${p.qc.levels.fail}</td></tr></table>`,
    );
  if (p.qc.rows.length) {
    h.push('<table><tr><th>Image set</th><th>Well</th><th>Condition</th><th>Verdict</th><th>Checks</th><th>Excluded because</th></tr>');
    for (const r of p.qc.rows)
      h.push(
        `<tr><td>${esc(r.id)}</td><td>${esc(r.well)}</td><td>${esc(r.condition)}</td><td>${esc(r.worst)}</td><td>${esc(r.checks)}</td><td>${esc(r.reason)}</td></tr>`,
      );
    h.push('</table>');
  } else h.push('<p>No image set was flagged.</p>');
  if (p.thumbs.length) {
    h.push('<p class="muted">Thumbnails: red frame = flagged by QC, green = passed.</p><div class="thumbs">');
    for (const t of p.thumbs)
      h.push(`<div class="thumb${t.flagged ? ' flagged' : ''}"><img alt="${esc(t.id)}" src="${t.src}"><div>${esc(t.caption)}</div></div>`);
    h.push('</div>');
  }
  h.push('<h2 id="failures">Failures</h2>');
  if (p.failures.length) {
    h.push('<table><tr><th>Image set</th><th>Stage</th><th>Reason</th></tr>');
    for (const f of p.failures) h.push(`<tr><td>${esc(f.id)}</td><td>${esc(f.stage)}</td><td>${esc(f.reason)}</td></tr>`);
    h.push('</table>');
  } else h.push('<p>No image set failed.</p>');
  if (p.methods) {
    h.push('<h2 id="methods">Methods</h2>', `<p>${esc(p.methods.paragraph)}</p>`);
    h.push('<p class="muted">Full record with every parameter: <a href="METHODS.md">METHODS.md</a> (and methods.json).</p>');
    h.push('<table><tr><th></th><th>Checklist item</th><th>Evidence / to do</th></tr>');
    for (const c of p.methods.checklist)
      h.push(
        `<tr><td class="status-${c.status === 'n/a' ? 'na' : c.status}">${c.status === 'done' ? '✓' : c.status === 'todo' ? 'to do' : 'n/a'}</td><td>${esc(c.item)}</td><td>${esc(c.note)}</td></tr>`,
      );
    h.push('</table>');
  }
  h.push(`<footer>${esc(p.footer)}</footer>`, '</main>', '</body>', '</html>');
  return `${h.filter(Boolean).join('\n')}\n`;
}
