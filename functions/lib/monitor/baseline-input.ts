/**
 * The texts (and optional labels) a baseline is built from: a .tsv with a header naming a `sentence`
 * or `text` column and an optional `label` column, or .jsonl lines of {"text", "label"?}. Numeric
 * labels are class indices mapped through the model's id2label.
 */

export interface BaselineExample {
  text: string;
  /** The model's label name, when the file gave one. */
  label: string | null;
}

export class BaselineInputError extends Error {
  readonly code = 'BASELINE_INPUT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'BaselineInputError';
  }
}

/** A label as written in the file, resolved against the model's labels (index or name). */
export function resolveLabel(raw: unknown, labels: readonly string[], where: string): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) {
    const i = Number(text);
    if (i < labels.length) return labels[i];
    throw new BaselineInputError(
      `${where}: label ${text} is not a class index of the model (0-${labels.length - 1})`,
    );
  }
  const exact = labels.find((l) => l === text) ?? labels.find((l) => l.toLowerCase() === text.toLowerCase());
  if (exact) return exact;
  throw new BaselineInputError(
    `${where}: label ${JSON.stringify(text)} is not one of the model's labels (${labels.join(', ')})`,
  );
}

export function parseTsv(content: string, labels: readonly string[]): BaselineExample[] {
  // Split on \n only: some corpora hold U+0085 inside sentences, which universal-newline splitters break on.
  const lines = content
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const textCol = header.findIndex((h) => h === 'sentence' || h === 'text');
  if (textCol < 0) throw new BaselineInputError('the .tsv header must name a `sentence` or `text` column');
  const labelCol = header.indexOf('label');
  const out: BaselineExample[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split('\t');
    // A text with stray tabs keeps them: the extra cells belong to the text column.
    const extra = cells.length - header.length;
    const text = extra > 0 ? cells.slice(textCol, textCol + extra + 1).join('\t') : (cells[textCol] ?? '');
    const labelAt = labelCol > textCol && extra > 0 ? labelCol + extra : labelCol;
    out.push({
      text: text.trim(),
      label: labelCol >= 0 ? resolveLabel(cells[labelAt], labels, `line ${i + 1}`) : null,
    });
  }
  return out;
}

export function parseJsonl(content: string, labels: readonly string[]): BaselineExample[] {
  const out: BaselineExample[] = [];
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new BaselineInputError(`line ${i + 1} is not valid JSON`);
    }
    const o = value as { text?: unknown; label?: unknown } | null;
    if (!o || typeof o.text !== 'string') throw new BaselineInputError(`line ${i + 1} needs a string "text"`);
    out.push({ text: o.text, label: resolveLabel(o.label, labels, `line ${i + 1}`) });
  });
  return out;
}

export function parseBaselineInput(
  fileName: string,
  content: string,
  labels: readonly string[],
): BaselineExample[] {
  const lower = fileName.toLowerCase();
  const examples = lower.endsWith('.jsonl')
    ? parseJsonl(content, labels)
    : lower.endsWith('.tsv')
      ? parseTsv(content, labels)
      : null;
  if (examples === null) throw new BaselineInputError(`${fileName}: expected a .tsv or .jsonl file`);
  if (examples.length === 0) throw new BaselineInputError(`${fileName} holds no examples`);
  return examples;
}
