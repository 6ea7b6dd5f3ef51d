/** Shared test inputs: an HTTP API v2 event cloned per test, a frozen Lambda Context, a fake model. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Prediction, TextClassifier } from '../../../functions/lib/inference/types.ts';
import type { ActualRecord, PredictionRecord } from '../../../functions/lib/records/schema.ts';
import baseEvent from './fixtures/http-api-v2-event.json' with { type: 'json' };

export function httpEvent(method: string, path: string, body?: unknown): APIGatewayProxyEventV2 {
  const event = structuredClone(baseEvent) as APIGatewayProxyEventV2;
  event.rawPath = path;
  event.requestContext.http.method = method;
  event.requestContext.http.path = path;
  if (body === undefined) delete event.body;
  else event.body = typeof body === 'string' ? body : JSON.stringify(body);
  return event;
}

/** As powertools' testing package does: one Context object, frozen so no test can change it. */
export const lambdaContext: Context = Object.freeze({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'vigil-predict',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:vigil-predict',
  memoryLimitInMB: '1024',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/vigil-predict',
  logStreamName: '2026/11/29/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 12_345,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A deterministic classifier: P(POSITIVE) grows with the text's length, so outputs differ per text. */
export function fakeClassifier(labels = ['NEGATIVE', 'POSITIVE']): TextClassifier & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    info: { name: 'fake', version: '2', labels, maxLength: 16, hiddenSize: 3 },
    async predict(texts) {
      calls.push([...texts]);
      return texts.map((t): Prediction => {
        const p = Math.min(0.99, 0.2 + t.length / 100);
        const probabilities = labels.map((_, i) =>
          i === labels.length - 1 ? p : (1 - p) / (labels.length - 1),
        );
        const best = probabilities.indexOf(Math.max(...probabilities));
        return {
          label: labels[best],
          score: probabilities[best],
          probabilities,
          embedding: new Float32Array([t.length, 1, -1]),
          tokenCount: Math.min(t.split(' ').length + 2, 40),
          truncated: t.split(' ').length + 2 > 16,
          unknownTokenRatio: 0,
        };
      });
    },
  };
}

export interface MemoryLog {
  predictions: PredictionRecord[][];
  actuals: { records: ActualRecord[]; model: string }[];
  putPredictions(records: readonly PredictionRecord[]): Promise<void>;
  putActuals(records: readonly ActualRecord[], model: string): Promise<void>;
}

export function memoryLog(): MemoryLog {
  const log: MemoryLog = {
    predictions: [],
    actuals: [],
    async putPredictions(records) {
      log.predictions.push([...records]);
    },
    async putActuals(records, model) {
      log.actuals.push({ records: [...records], model });
    },
  };
  return log;
}

export function failingLog(): MemoryLog {
  const log = memoryLog();
  log.putPredictions = async () => {
    throw Object.assign(new Error('disk full'), { code: 'LOG_WRITE_FAILED' });
  };
  log.putActuals = async () => {
    throw new Error('throttled');
  };
  return log;
}

/** A counter-based random source: ids are deterministic yet distinct. */
export function countingRandomBytes(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    counter++;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (counter * 31 + i * 7) & 0xff;
    return out;
  };
}

export const parse = (body: string | undefined) => JSON.parse(body ?? 'null');
