/**
 * The step-specific part of each screen, fed by state: question implications, scan summary and
 * plate grid, subset picks, QC verdicts, before/after and outline previews, the run's outputs.
 * Conditions are hidden on blind steps unless revealed.
 */
import { Box, Text } from 'ink';
import { implication } from '../wizard/recommend.js';
import { isExcluded } from '../wizard/reducer.js';
import { resolvedValue, stepSpec } from '../wizard/steps.js';
import type { PreviewRef, StageFacts, WizardState } from '../wizard/types.js';
import { useDisplay } from './display.js';
import { PlateGrid } from './PlateGrid.js';
import { Thumb } from './Thumb.js';

const ctxOf = (s: WizardState) => ({ session: s.session, facts: s.facts, catalog: s.catalog });
const HIDDEN = 'condition hidden (c shows)';

function condition(state: WizardState, c: string | undefined, blind: boolean): string {
  if (blind && !state.ui.reveal) return HIDDEN;
  return c ?? 'no condition';
}

function Lines({ lines, max = 6 }: { lines: string[]; max?: number }) {
  return (
    <Box flexDirection="column">
      {lines.slice(0, max).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines may repeat; their order is fixed
        <Text key={`${i}-${l}`} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}

/**
 * The caption of one method's outlines: "classical: 96 nuclei", or for the chosen method
 * "✓ classical: 96 nuclei (chosen)", without "nuclei" or then without "(chosen)" where it would
 * not fit `room` columns (only beside pictures, where the caption is also bold and inverse).
 */
function methodCaption(m: { method: string; count: number }, chosen: boolean, room: number): string {
  const base = `${m.method}: ${m.count}`;
  if (!chosen) return `${base} nuclei`;
  return [`✓ ${base} nuclei (chosen)`, `✓ ${base} (chosen)`].find((c) => c.length <= room) ?? `✓ ${base} nuclei`;
}

/**
 * The two pictures of a preview: each method's outlines when it has them (the `chosen` method's
 * marked, its caption fitted to `room`), else the image and its overlay (captioned `note`).
 */
function pictures(
  preview: PreviewRef,
  note: string,
  chosen: string | undefined,
  room: number,
): { path: string; caption: string; marked?: boolean }[] {
  const [a, b] = preview.methods ?? [];
  if (a && b)
    return [a, b].map((m) => {
      const marked = m.method === chosen;
      return { path: m.png, caption: methodCaption(m, marked, room), marked };
    });
  return [{ path: preview.png, caption: preview.caption }, ...(preview.overlayPng ? [{ path: preview.overlayPng, caption: note }] : [])];
}

/**
 * Image and overlay (or two methods' outlines, the `chosen` one marked) side by side, with a text
 * summary to the right; fits 80 columns.
 */
export function PreviewPair({
  preview,
  lines,
  note,
  chosen,
}: {
  preview: PreviewRef | undefined;
  lines: string[];
  note: string;
  /** The method the Method setting holds (objects step). */
  chosen?: string;
}) {
  const { images } = useDisplay();
  if (!preview) return <Text dimColor>No preview yet.</Text>;
  const w = images ? 24 : 38;
  // columns for a caption (without pictures it is shown in brackets)
  const room = images ? w : w - 2;
  return (
    <Box>
      {pictures(preview, note, chosen, room).map((p, i) => (
        <Box key={p.path} marginLeft={i > 0 ? 1 : 0}>
          <Thumb path={p.path} caption={p.caption} marked={p.marked} width={w} height={7} />
        </Box>
      ))}
      {images ? (
        <Box marginLeft={1} flexDirection="column" width={29}>
          <Lines lines={lines} max={9} />
        </Box>
      ) : null}
    </Box>
  );
}

function QuestionBody({ state }: { state: WizardState }) {
  return <Text wrap="wrap">{implication(ctxOf(state))}</Text>;
}

function DataBody({ state }: { state: WizardState }) {
  const scan = state.facts.scan?.value;
  if (!scan) return null;
  const plate = scan.plates[0];
  return (
    <Box>
      {plate ? <PlateGrid scan={scan} plate={plate} fit={{ maxWidth: 40, maxLines: 8 }} /> : null}
      <Box flexDirection="column" marginLeft={2} flexShrink={1}>
        <Text wrap="truncate-end">
          {scan.imageSetCount} image sets, {scan.plates.length} plate(s), {scan.wells.length} wells
        </Text>
        <Text wrap="truncate-end">channels: {scan.channels.join(', ')}</Text>
        <Text wrap="truncate-end">
          naming: {scan.presetName} ({Math.round(scan.confidence * 100)}%)
        </Text>
        {scan.format ? (
          <Text wrap="truncate-end">
            {scan.format}
            {scan.bitDepth ? `, ${scan.bitDepth}-bit` : ''}
          </Text>
        ) : null}
        {scan.conditions.length > 0 ? <Text wrap="truncate-end">conditions: {scan.conditions.join(', ')}</Text> : null}
        {scan.problems.slice(0, 2).map((p) => (
          <Text key={p.message} wrap="truncate-end">
            {p.level === 'fail' ? '✗' : '!'} {p.message}
            {p.consequence ? `: ${p.consequence}` : ''}
          </Text>
        ))}
        {scan.problems.length > 2 ? <Text dimColor>{scan.problems.length - 2} more: scopepilot scan shows all</Text> : null}
      </Box>
    </Box>
  );
}

function SubsetBody({ state }: { state: WizardState }) {
  const picks = state.facts.subset?.value ?? [];
  const focus = state.ui.focus === 'items';
  const start = Math.max(0, Math.min(state.ui.item - 3, picks.length - 8));
  return (
    <Box flexDirection="column">
      {picks.slice(start, start + 8).map((p, j) => {
        const i = start + j;
        const dropped = state.session.dropped.includes(p.id);
        return (
          <Text key={p.id} wrap="truncate-end" strikethrough={dropped}>
            {focus && i === state.ui.item ? '› ' : '  '}
            {p.id}
            {dropped ? ' (dropped)' : ''}: {p.reason}
          </Text>
        );
      })}
    </Box>
  );
}

function QcBody({ state }: { state: WizardState }) {
  const rows = state.facts.qc?.value ?? [];
  const policy = resolvedValue(ctxOf(state), 'qc', 'policy');
  const cur = rows[state.ui.item];
  const start = Math.max(0, Math.min(state.ui.item - 3, rows.length - 5));
  const list = rows.slice(start, start + 5).map((r, j) => {
    const i = start + j;
    const ex = isExcluded(state.session, r, policy);
    const msg = r.verdicts.find((v) => v.level === r.worst)?.message ?? 'ok';
    const mark = r.worst === 'ok' ? '✓' : r.worst === 'warn' ? '!' : '✗';
    return `${i === state.ui.item && state.ui.focus === 'items' ? '›' : ' '} ${mark} ${r.id} ${ex ? '[excluded]' : '[kept]'} ${msg}`;
  });
  const detail: string[] = cur
    ? [
        `${cur.id}${cur.well ? ` well ${cur.well}` : ''}`,
        condition(state, cur.condition, true),
        ...cur.verdicts.filter((v) => v.level !== 'ok').map((v) => `${v.level}: ${v.message}${v.action ? ` - ${v.action}` : ''}`),
        ...(cur.unfixable ? ['Analysis cannot fix this: go back to the microscope.'] : []),
      ]
    : [];
  return (
    <Box flexDirection="column">
      {cur?.preview ? <PreviewPair preview={{ ...cur.preview, caption: cur.id }} lines={detail} note="" /> : <Lines lines={detail} />}
      <Lines lines={list} max={5} />
    </Box>
  );
}

function StageBody({
  state,
  facts,
  note,
  max = 3,
  chosen,
}: {
  state: WizardState;
  facts: StageFacts | undefined;
  note: string;
  /** Summary lines shown (the objects step has one more setting: 2). */
  max?: number;
  /** The chosen method, marked on its outlines when both are shown (objects step). */
  chosen?: string;
}) {
  const { images } = useDisplay();
  if (!facts) return null;
  const n = facts.previews.length;
  const p = facts.previews[state.ui.item % Math.max(1, n)];
  const perImage = p
    ? [
        `${p.id}${n > 1 ? ` (${(state.ui.item % n) + 1}/${n})` : ''}`,
        condition(state, p.condition, state.session.step === 'objects'),
        ...Object.entries(p.stats).map(([k, v]) => `${k}: ${v}`),
      ]
    : [];
  return (
    <Box flexDirection="column">
      <PreviewPair preview={p} lines={perImage} note={note} chosen={chosen} />
      {images ? null : <Text wrap="truncate-end">{perImage.join(' · ')}</Text>}
      <Lines lines={facts.summary} max={max} />
    </Box>
  );
}

function MeasurementsBody({ state }: { state: WizardState }) {
  const fields = stepSpec(state.session.step).fields(ctxOf(state));
  return <Lines lines={fields.map((f) => `${f.label}: ${f.help} (${f.expert})`)} max={6} />;
}

function StatisticsBody({ state }: { state: WizardState }) {
  const f = state.facts.statistics?.value;
  return f ? <Lines lines={f.summary} max={8} /> : null;
}

function RunBody({ state }: { state: WizardState }) {
  const n = state.facts.scan?.value.imageSetCount ?? 0;
  return (
    <Lines
      lines={[
        `${n} image sets will be analysed with the accepted recipe.`,
        `Outputs go to ${state.session.out}`,
        'Re-run any time: scopepilot run recipe.json',
      ]}
    />
  );
}

function DoneBody({ state }: { state: WizardState }) {
  const r = state.facts.run?.value;
  if (!r) return null;
  const methods = r.methodsPreview
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 6);
  return (
    <Box flexDirection="column">
      <Text bold>Outputs: {state.session.out}</Text>
      <Lines lines={r.lines} max={6} />
      {r.missing.length > 0 ? <Lines lines={r.missing.map((m) => `not done: ${m}`)} max={3} /> : null}
      <Text dimColor>── METHODS.md ──</Text>
      <Lines lines={methods} max={6} />
      <Text>Re-run: scopepilot run {state.session.out}/recipe.json</Text>
    </Box>
  );
}

/** The body for the current step. */
export function StepBody({ state }: { state: WizardState }) {
  switch (state.session.step) {
    case 'question':
      return <QuestionBody state={state} />;
    case 'data':
      return <DataBody state={state} />;
    case 'subset':
      return <SubsetBody state={state} />;
    case 'qc':
      return <QcBody state={state} />;
    case 'preprocess':
      return <StageBody state={state} facts={state.facts.preprocess?.value} note="after clean-up" />;
    case 'objects':
      return (
        <StageBody
          state={state}
          facts={state.facts.objects?.value}
          note="outlines found"
          max={2}
          chosen={String(resolvedValue(ctxOf(state), 'objects', 'method'))}
        />
      );
    case 'measurements':
      return <MeasurementsBody state={state} />;
    case 'statistics':
      return <StatisticsBody state={state} />;
    case 'run':
      return <RunBody state={state} />;
    case 'done':
      return <DoneBody state={state} />;
  }
}
