/** Errors a user can cause by pointing Vigil at a model folder that does not meet the bundle contract. */

export type ModelBundleErrorCode = 'MODEL_BUNDLE_NOT_FOUND' | 'MODEL_BUNDLE_INVALID';

export class ModelBundleError extends Error {
  constructor(
    readonly code: ModelBundleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelBundleError';
  }
}
