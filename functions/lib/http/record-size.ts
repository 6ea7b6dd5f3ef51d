/** A log record too large for the delivery backend; refused before anything is sent, answered with 413. */
import { HttpError } from './errors.ts';

export class RecordTooLargeError extends HttpError {
  constructor(
    readonly index: number,
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super(
      413,
      'RECORD_TOO_LARGE',
      `record ${index} is ${bytes} bytes as JSON, over the log's ${limitBytes}-byte limit per record; ` +
        'send a shorter text or fewer fields',
    );
    this.name = 'RecordTooLargeError';
  }
}
