/** Context values: defaults that deploy as is, and a clear INVALID_DEPLOY_CONFIG error naming the key. */
import { describe, expect, it } from 'vitest';
import { DeployConfigError, readDeployConfig } from '../../infra/deploy-config.ts';

const ctx = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

function errorOf(values: Record<string, unknown>): DeployConfigError {
  try {
    readDeployConfig(ctx(values));
  } catch (err) {
    if (err instanceof DeployConfigError) return err;
    throw err;
  }
  throw new Error('expected a DeployConfigError');
}

describe('readDeployConfig', () => {
  it('defaults to x86_64, an hourly monitor, IAM auth, text storage and Slack', () => {
    const c = readDeployConfig(ctx({}));
    expect(c.architecture.name).toBe('x86_64');
    expect(c.monitorSchedule).toBe('rate(1 hour)');
    expect(c.apiAuthorization).toBe('iam');
    expect(c.storeText).toBe(true);
    expect(c.slack).toBe(true);
    expect(c.modelDir).toBe('layers/model');
    expect([c.apiRateLimit, c.apiBurstLimit]).toEqual([50, 100]);
    expect(c.alertEmail).toBeUndefined();
  });

  it('reads strings from -c flags as numbers and booleans', () => {
    const c = readDeployConfig(
      ctx({ apiRateLimit: '20', storeText: 'false', architecture: 'arm64', reportRetentionDays: 30 }),
    );
    expect(c.apiRateLimit).toBe(20);
    expect(c.apiBurstLimit).toBe(40);
    expect(c.storeText).toBe(false);
    expect(c.architecture.name).toBe('arm64');
    expect(c.reportRetentionDays).toBe(30);
  });

  it('accepts a JWT authorizer with issuer and audiences', () => {
    const c = readDeployConfig(
      ctx({ apiAuthorization: 'jwt', jwtIssuer: 'https://id.example.com/', jwtAudience: 'a, b' }),
    );
    expect(c.jwtAudience).toEqual(['a', 'b']);
  });

  it.each([
    [{ monitorSchedule: 'every hour' }, 'monitorSchedule'],
    [{ alertEmail: 'not-an-email' }, 'alertEmail'],
    [{ architecture: 'x64' }, 'architecture'],
    [{ apiAuthorization: 'jwt' }, 'apiAuthorization'],
    [{ apiAuthorization: 'jwt', jwtIssuer: 'http://insecure', jwtAudience: 'a' }, 'apiAuthorization'],
    [{ storeText: 'yes' }, 'storeText'],
    [{ apiRateLimit: '0' }, 'apiRateLimit'],
    [{ reportUrlTtlSeconds: '1.5' }, 'reportUrlTtlSeconds'],
    [{ modelVersion: 'v2' }, 'modelVersion'],
  ])('rejects %j naming the key', (values, key) => {
    const err = errorOf(values);
    expect(err.code).toBe('INVALID_DEPLOY_CONFIG');
    expect(err.key).toBe(key);
    expect(err.message).toContain(`"${key}"`);
  });
});
