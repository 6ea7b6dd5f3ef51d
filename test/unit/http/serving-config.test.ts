import { describe, expect, it } from 'vitest';
import { readServingConfig } from '../../../functions/config.ts';

describe('readServingConfig', () => {
  it('defaults to the Lambda layer model, no bucket and stored text', () => {
    expect(readServingConfig({})).toEqual({ modelDir: '/opt/model', bucket: undefined, storeText: true });
    expect(readServingConfig({}, 'layers/model').modelDir).toBe('layers/model');
  });

  it('reads VIGIL_MODEL_DIR, VIGIL_BUCKET and VIGIL_STORE_TEXT', () => {
    expect(
      readServingConfig({ VIGIL_MODEL_DIR: '/m', VIGIL_BUCKET: ' log ', VIGIL_STORE_TEXT: 'false' }),
    ).toEqual({
      modelDir: '/m',
      bucket: 'log',
      storeText: false,
    });
    expect(readServingConfig({ VIGIL_STORE_TEXT: '0' }).storeText).toBe(false);
    expect(readServingConfig({ VIGIL_STORE_TEXT: 'TRUE' }).storeText).toBe(true);
  });

  it('refuses a VIGIL_STORE_TEXT that is not a boolean rather than guessing', () => {
    expect(() => readServingConfig({ VIGIL_STORE_TEXT: 'nope' })).toThrow(
      /VIGIL_STORE_TEXT must be true or false/,
    );
  });
});
