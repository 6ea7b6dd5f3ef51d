/**
 * SigV4 for the IAM-protected Vigil HTTP API (service `execute-api`) with the AWS SDK's own signer,
 * loaded only when a region is given so the client runs without the AWS SDK otherwise.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytesOf = (d: SourceData): Uint8Array | string =>
  typeof d === 'string'
    ? d
    : d instanceof ArrayBuffer
      ? new Uint8Array(d)
      : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** The hash constructor @smithy/signature-v4 wants (what @aws-crypto/sha256-js is), on node:crypto. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface RequestToSign {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export type Signer = (req: RequestToSign) => Promise<Record<string, string>>;

/** The AWS SDK's default credential chain (environment, profiles, SSO, container and instance roles). */
async function defaultCredentials(): Promise<CredentialsProvider> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}

/** A signer for `region`; its headers replace the request's (host is left to fetch, which sends the same). */
export function sigV4Signer(
  region: string,
  credentials?: CredentialsProvider,
  signingDate: () => Date = () => new Date(),
): Signer {
  let ready: Promise<{ sign: (req: RequestToSign) => Promise<Record<string, string>> }> | undefined;
  const load = async () => {
    const [{ SignatureV4 }, creds] = await Promise.all([
      import('@smithy/signature-v4'),
      credentials ?? defaultCredentials(),
    ]);
    const signer = new SignatureV4({
      service: 'execute-api',
      region,
      credentials: creds,
      sha256: NodeSha256,
    });
    return {
      async sign(req: RequestToSign) {
        const query: Record<string, string> = {};
        for (const [k, v] of req.url.searchParams) query[k] = v;
        const signed = await signer.sign(
          {
            method: req.method,
            protocol: req.url.protocol,
            hostname: req.url.hostname,
            port: req.url.port ? Number(req.url.port) : undefined,
            path: req.url.pathname,
            query,
            headers: { ...req.headers, host: req.url.host },
            body: req.body,
          },
          { signingDate: signingDate() },
        );
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') out[k] = v;
        return out;
      },
    };
  };
  return async (req) => {
    ready ??= load();
    return (await ready).sign(req);
  };
}
