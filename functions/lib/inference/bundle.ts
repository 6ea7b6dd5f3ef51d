/**
 * Reads a model bundle folder (DESIGN.md, "Model bundle contract") and resolves what Vigil needs to
 * know about it, accepting both Vigil's own bundles and a plain Hugging Face export.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { assertPartitionValue } from '../records/layout.ts';
import { ModelBundleError } from './errors.ts';
import type { ModelInfo } from './types.ts';

/** Position embeddings of BERT-family models stop at 512; longer max lengths are config mistakes. */
const MAX_SUPPORTED_LENGTH = 512;

export interface ModelBundle {
  dir: string;
  info: ModelInfo;
  modelPath: string;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** config.json pad_token_id, when the model declares one. */
  padTokenId: number | undefined;
}

async function readJson(path: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelBundleError('MODEL_BUNDLE_INVALID', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ModelBundleError(
      'MODEL_BUNDLE_INVALID',
      `${path} is not valid JSON: ${(err as Error).message}`,
    );
  }
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Labels in logit order from id2label, which must cover 0..n-1 exactly. */
export function labelsFromConfig(config: Record<string, unknown>, path: string): string[] {
  const id2label = config.id2label;
  if (id2label === null || typeof id2label !== 'object' || Array.isArray(id2label)) {
    throw new ModelBundleError('MODEL_BUNDLE_INVALID', `${path} has no id2label object`);
  }
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: string[] = new Array(entries.length);
  for (const [key, label] of entries) {
    const index = Number(key);
    if (
      !Number.isInteger(index) ||
      index < 0 ||
      index >= entries.length ||
      typeof label !== 'string' ||
      !label
    ) {
      throw new ModelBundleError(
        'MODEL_BUNDLE_INVALID',
        `${path} id2label must map 0..${entries.length - 1} to non-empty strings, got ${JSON.stringify(key)}: ${JSON.stringify(label)}`,
      );
    }
    labels[index] = label;
  }
  if (labels.length < 2)
    throw new ModelBundleError('MODEL_BUNDLE_INVALID', `${path} id2label needs at least 2 labels`);
  if (new Set(labels).size !== labels.length) {
    throw new ModelBundleError('MODEL_BUNDLE_INVALID', `${path} id2label has duplicate labels`);
  }
  return labels;
}

/** config max_length, else tokenizer model_max_length, else max_position_embeddings, capped at 512. */
export function resolveMaxLength(
  config: Record<string, unknown>,
  tokenizerConfig: Record<string, unknown>,
): number {
  // HF writes model_max_length = 1e30 when unknown, so anything above the cap falls through to the cap.
  const length =
    positiveInt(config.max_length) ??
    positiveInt(tokenizerConfig.model_max_length) ??
    positiveInt(config.max_position_embeddings) ??
    MAX_SUPPORTED_LENGTH;
  return Math.min(length, MAX_SUPPORTED_LENGTH);
}

/** A derived name becomes a valid partition value: other characters turn into '-'. */
function toPartitionSafe(raw: string): string {
  const safe = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return safe || 'model';
}

/** name or version from config.json must already be usable in the log's partition keys. */
function checkedPartitionValue(field: string, value: string, path: string): string {
  try {
    return assertPartitionValue(field, value);
  } catch (err) {
    throw new ModelBundleError('MODEL_BUNDLE_INVALID', `${path}: ${(err as Error).message}`);
  }
}

/** name, else the last part of _name_or_path, else the folder name. */
function resolveName(config: Record<string, unknown>, dir: string, path: string): string {
  if (typeof config.name === 'string' && config.name) return checkedPartitionValue('name', config.name, path);
  const nameOrPath = config._name_or_path;
  if (typeof nameOrPath === 'string' && nameOrPath) {
    const last = nameOrPath.split(/[\\/]/).filter(Boolean).pop();
    if (last) return toPartitionSafe(last);
  }
  return toPartitionSafe(basename(dir));
}

/** version, else '1': an HF export carries no version of its own. */
function resolveVersion(config: Record<string, unknown>, path: string): string {
  const v = config.version;
  if ((typeof v === 'string' && v) || typeof v === 'number')
    return checkedPartitionValue('version', String(v), path);
  return '1';
}

function resolveHiddenSize(config: Record<string, unknown>): number {
  // DistilBERT calls it `dim`; BERT-family configs call it hidden_size. 0 means "learn it from the output".
  return positiveInt(config.hidden_size) ?? positiveInt(config.dim) ?? 0;
}

/** Reads config.json and tokenizer files of the bundle in `dir`. The ONNX file is opened later by the session. */
export async function readModelBundle(dir: string): Promise<ModelBundle> {
  const root = resolve(dir);
  const configPath = join(root, 'config.json');
  const config = await readJson(configPath, false);
  if (config === undefined) {
    throw new ModelBundleError(
      'MODEL_BUNDLE_NOT_FOUND',
      `no model bundle at ${root}: expected config.json, tokenizer.json and model.onnx`,
    );
  }
  const tokenizerJson = await readJson(join(root, 'tokenizer.json'), true);
  const tokenizerConfig = (await readJson(join(root, 'tokenizer_config.json'), false)) ?? {};
  const labels = labelsFromConfig(config, configPath);
  const padTokenId = positiveInt(config.pad_token_id) ?? (config.pad_token_id === 0 ? 0 : undefined);
  return {
    dir: root,
    modelPath: join(root, 'model.onnx'),
    tokenizerJson: tokenizerJson as Record<string, unknown>,
    tokenizerConfig,
    padTokenId,
    info: {
      name: resolveName(config, root, configPath),
      version: resolveVersion(config, configPath),
      labels,
      maxLength: resolveMaxLength(config, tokenizerConfig),
      hiddenSize: resolveHiddenSize(config),
    },
  };
}
