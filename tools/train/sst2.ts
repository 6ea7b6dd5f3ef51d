/** Reads SST-2 (GLUE) tsv files: a header line, then `sentence<TAB>label` rows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabelledText {
  text: string;
  label: number;
}

export type Sst2Split = 'train' | 'dev';

/** Parses rows on `\n` only and splits each on its LAST tab (the text itself never decides the split). */
export function parseSst2Tsv(content: string): LabelledText[] {
  const lines = content.split('\n');
  const rows: LabelledText[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '') continue;
    const tab = line.lastIndexOf('\t');
    if (tab < 0) throw new Error(`SST2_BAD_ROW: line ${i + 1} has no tab`);
    const label = Number(line.slice(tab + 1));
    if (label !== 0 && label !== 1)
      throw new Error(`SST2_BAD_ROW: line ${i + 1} has label ${line.slice(tab + 1)}`);
    rows.push({ text: line.slice(0, tab).trim(), label });
  }
  return rows;
}

/** Reads `<datasetsDir>/sst2/<split>.tsv`, with a clear error when the datasets directory lacks it. */
export function readSst2(datasetsDir: string, split: Sst2Split): LabelledText[] {
  const path = join(datasetsDir, 'sst2', `${split}.tsv`);
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    throw new Error(
      `DATASET_NOT_FOUND: ${path} is missing; pass --datasets DIR with sst2/train.tsv and sst2/dev.tsv (GLUE SST-2)`,
    );
  }
  return parseSst2Tsv(content);
}
