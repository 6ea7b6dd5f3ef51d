/** The clients a connected source needs when the CLI runs it: loaded only when a source asks for them. */
import type { SourceClients } from '../functions/adapters/connected-source.ts';

export function localSourceClients(
  options: { s3Endpoint?: string; maxTimeoutMs?: number } = {},
): SourceClients {
  return {
    env: process.env,
    async s3() {
      const { S3Client } = await import('@aws-sdk/client-s3');
      // A local S3-compatible server wants path-style addressing and checksums only when required.
      return new S3Client(
        options.s3Endpoint
          ? {
              endpoint: options.s3Endpoint,
              forcePathStyle: true,
              requestChecksumCalculation: 'WHEN_REQUIRED',
              responseChecksumValidation: 'WHEN_REQUIRED',
            }
          : {},
      );
    },
    async secrets() {
      const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
      return new SecretsManagerClient({});
    },
    maxTimeoutMs: options.maxTimeoutMs,
  };
}

/** The declaration-time check of `vigil serve` and `vigil model create` (lazy: no source, no cost). */
export async function checkSourceLocally(
  model: Parameters<typeof import('../functions/adapters/connected-source.ts').checkDeclaredSource>[0],
): Promise<string | null> {
  const { checkDeclaredSource } = await import('../functions/adapters/connected-source.ts');
  return checkDeclaredSource(model, localSourceClients({ maxTimeoutMs: 5000 }));
}
