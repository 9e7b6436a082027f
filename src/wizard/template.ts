/**
 * Facility intake templates (YAML, `--template FILE`): questions to ask, metadata fields that are
 * required (specimen, stain, microscope, objective ...), default naming preset, outputs.
 *
 * ```yaml
 * name: Imaging facility
 * questions:
 *   - { id: grant, label: Grant code, required: true }
 *   - { id: purpose, label: Purpose, choices: [pilot, screen] }
 * metadata: [specimen, stain, microscope, { id: objective, label: Objective, required: false }]
 * preset: incell
 * outputs: [objects.csv, report.html]
 * ```
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../engine/errors.js';
import type { FacilityTemplate } from './types.js';

const id = z.string().regex(/^[A-Za-z][\w-]*$/, 'use letters, digits, - and _ (starting with a letter)');
const label = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/[_-]/g, ' ');

const TemplateSchema = z
  .object({
    name: z.string().optional(),
    questions: z
      .array(
        z.object({
          id,
          label: z.string().optional(),
          choices: z.array(z.coerce.string()).min(1).optional(),
          required: z.boolean().default(false),
        }),
      )
      .default([]),
    metadata: z.array(z.union([id, z.object({ id, label: z.string().optional(), required: z.boolean().default(true) })])).default([]),
    preset: z.string().optional(),
    outputs: z.array(z.string()).default([]),
  })
  .strict();

/** Parse and validate a template's YAML text. Errors name the field and what is wrong. */
export function parseTemplate(text: string, source = 'template'): FacilityTemplate {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new UserError(`${source}: not valid YAML (${(err as Error).message.split('\n')[0]})`, 'check indentation and colons');
  }
  const r = TemplateSchema.safeParse(raw ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UserError(`${source}: ${i.path.join('.') || '(top level)'}: ${i.message}`, 'see the template example in README.md');
  }
  const t = r.data;
  return {
    ...(t.name !== undefined ? { name: t.name } : {}),
    questions: t.questions.map((q) => ({
      id: q.id,
      label: q.label ?? label(q.id),
      required: q.required,
      ...(q.choices ? { choices: q.choices } : {}),
    })),
    metadata: t.metadata.map((m) =>
      typeof m === 'string'
        ? { id: m, label: label(m), required: true }
        : { id: m.id, label: m.label ?? label(m.id), required: m.required },
    ),
    ...(t.preset !== undefined ? { preset: t.preset } : {}),
    outputs: t.outputs,
  };
}

export async function loadTemplate(path: string): Promise<FacilityTemplate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`cannot read the template ${path}`, 'check the path given to --template');
  }
  return parseTemplate(text, path);
}
