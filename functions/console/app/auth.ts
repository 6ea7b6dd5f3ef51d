/**
 * Sign-in on AWS: when /config.json names a Cognito hosted-login domain, the app runs the
 * authorization-code flow with PKCE and sends the access token to the API. Locally config.auth is null.
 */

export interface AuthConfig {
  /** Hosted login domain, e.g. vigil-123.auth.eu-west-1.amazoncognito.com */
  domain: string;
  clientId: string;
  scopes?: string[];
}

const TOKEN = 'vigil.token';
const VERIFIER = 'vigil.pkce';
let config: AuthConfig | null = null;

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function redirectUri(): string {
  return `${location.origin}/`;
}

async function signIn(auth: AuthConfig): Promise<never> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER, JSON.stringify({ verifier, hash: location.hash }));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: (auth.scopes ?? ['openid', 'email']).join(' '),
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  location.assign(`https://${auth.domain}/oauth2/authorize?${q}`);
  return new Promise<never>(() => {});
}

async function exchange(auth: AuthConfig, code: string): Promise<void> {
  const saved = JSON.parse(sessionStorage.getItem(VERIFIER) ?? '{}') as { verifier?: string; hash?: string };
  if (!saved.verifier) throw new Error('sign-in was not started from this tab; reload to sign in again');
  const res = await fetch(`https://${auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!res.ok) throw new Error(`sign-in failed (${res.status}); reload to try again`);
  const body = (await res.json()) as { access_token: string; expires_in: number };
  sessionStorage.setItem(
    TOKEN,
    JSON.stringify({ token: body.access_token, exp: Date.now() + body.expires_in * 1000 }),
  );
  sessionStorage.removeItem(VERIFIER);
  history.replaceState(null, '', `/${saved.hash ?? ''}`);
}

/** Reads /config.json and, on AWS, makes sure there is a token (redirecting to sign in when not). */
export async function initAuth(): Promise<void> {
  const res = await fetch('/config.json', { credentials: 'same-origin' });
  config = res.ok ? ((await res.json()) as { auth: AuthConfig | null }).auth : null;
  if (!config) return;
  const code = new URLSearchParams(location.search).get('code');
  if (code) await exchange(config, code);
  if (!currentToken()) await signIn(config);
}

function currentToken(): string | null {
  const saved = JSON.parse(sessionStorage.getItem(TOKEN) ?? 'null') as { token: string; exp: number } | null;
  return saved && saved.exp > Date.now() + 30_000 ? saved.token : null;
}

export async function authHeader(): Promise<Record<string, string>> {
  if (!config) return {};
  const token = currentToken();
  if (!token) await signIn(config);
  return { authorization: `Bearer ${token}` };
}
