/**
 * `vigil/client`: log the predictions of a model you already serve to Vigil (POST /log), batched,
 * retried and never blocking; SigV4-signed for the IAM-protected AWS endpoint.
 */
export {
  type ClientStats,
  type FieldDeclaration,
  type FieldValue,
  type LogRecord,
  type ModelVersionDeclaration,
  type StoredModelVersion,
  uuidv7,
  VigilClient,
  type VigilClientOptions,
  VigilError,
} from './client.ts';
export { meanPool } from './pooling.ts';
export type { AwsCredentials, CredentialsProvider } from './sigv4.ts';
