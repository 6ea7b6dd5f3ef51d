/**
 * cdk-nag v3 AwsSolutions over the whole app: no finding is left unacknowledged, and the check itself
 * does catch a finding when one is introduced.
 */
import { rmSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildFixtureApp } from './synth-fixture.ts';

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error or warning for the Vigil app, and synth passes validation', () => {
    const { app } = buildFixtureApp({ alertEmail: 'ops@example.com' });
    expect(() => app.synth()).not.toThrow();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
    rmSync(app.outdir, { recursive: true, force: true });
  });

  it('stays clean with a JWT authorizer and without Slack', () => {
    const { app, stacks } = buildFixtureApp({
      apiAuthorization: 'jwt',
      jwtIssuer: 'https://issuer.example.com/',
      jwtAudience: 'vigil',
      slack: 'false',
    });
    expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
    const service = Template.fromStack(stacks.service);
    service.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.example.com/', Audience: ['vigil'] },
    });
    const routes = Object.values(service.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.AuthorizationType)).toEqual(Array(7).fill('JWT'));
    expect(Object.keys(service.findResources('AWS::Lambda::Function'))).toHaveLength(4);
    Template.fromStack(stacks.data).resourceCountIs('AWS::SecretsManager::Secret', 0);
    rmSync(app.outdir, { recursive: true, force: true });
  });

  it('stays clean with direct log delivery (no stream, compaction grants)', () => {
    const { app, stacks } = buildFixtureApp({ logDelivery: 'direct' });
    expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
    Template.fromStack(stacks.service).resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
    rmSync(app.outdir, { recursive: true, force: true });
  });

  it('does report a finding that nobody acknowledged (the check is live)', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new Bucket(stack, 'PlainBucket');
    const rules = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
    Validations.of(stack).acknowledge({ id: 'AwsSolutions-S1', reason: 'probe' });
    const after = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName);
    expect(after).not.toContain('AwsSolutions-S1');
    expect(after).toContain('AwsSolutions-S10');
  });
});
