/**
 * The console construct: assets in a private bucket behind CloudFront with origin access control,
 * HTTPS only and security headers; a Cognito pool without self sign-up; the console routes behind the
 * pool's JWT authorizer; cdk-nag AwsSolutions clean with reasons.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROUTES, VigilConsole } from '../../infra/constructs/console.ts';
import { buildFixtureApp } from './synth-fixture.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function build(selfSignUp?: boolean) {
  const outdir = mkdtempSync(join(tmpdir(), 'vigil-console-cdk-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'ConsoleProbe', { env: { account: '123456789012', region: 'eu-west-1' } });
  const api = new HttpApi(stack, 'Api', { createDefaultStage: true });
  // The probe's own stage; the service's stage (infra/constructs/http-endpoint.ts) has access logs.
  Validations.of(api).acknowledge({ id: 'AwsSolutions-APIG1', reason: 'test probe stage' });
  const bucket = Bucket.fromBucketName(stack, 'Data', 'vigil-data-bucket');
  const construct = new VigilConsole(stack, 'Console', {
    api,
    bucket,
    projectRoot: ROOT,
    architecture: Architecture.ARM_64,
    domainPrefix: 'vigil-console-test',
    selfSignUp,
  });
  return { app, stack, construct, outdir };
}

describe('VigilConsole', () => {
  let built: ReturnType<typeof build>;
  let template: Template;

  beforeAll(() => {
    built = build();
    template = Template.fromStack(built.stack);
  });
  afterAll(() => rmSync(built.outdir, { recursive: true, force: true }));

  it('serves the built app from a private bucket through CloudFront with origin access control, HTTPS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({ PathPattern: '/console/*', ViewerProtocolPolicy: 'https-only' }),
          Match.objectLike({ PathPattern: '/dashboards/*', ViewerProtocolPolicy: 'https-only' }),
        ]),
      }),
    });
    // The asset was really built at synth: index.html and hashed modules, no local config.json.
    const assetDirs = readdirSync(built.outdir).filter(
      (d) => d.startsWith('asset.') && statSync(join(built.outdir, d)).isDirectory(),
    );
    const appDir = assetDirs
      .map((d) => join(built.outdir, d))
      .find((d) => readdirSync(d).includes('index.html'));
    expect(appDir).toBeDefined();
    const files = readdirSync(appDir as string);
    expect(files).toContain('app');
    expect(files).not.toContain('config.json');
    expect(readFileSync(join(appDir as string, 'index.html'), 'utf8')).toMatch(
      /<script type="module" src="\/app\/main-/,
    );
  });

  it('sends security headers with a CSP of its own origin and the sign-in domain', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: {
            ContentSecurityPolicy: Match.stringLikeRegexp(
              "default-src 'self'.*connect-src 'self' https://vigil-console-test\\.auth\\.eu-west-1\\.amazoncognito\\.com",
            ),
            Override: true,
          },
          StrictTransportSecurity: Match.objectLike({ Override: true }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
  });

  it('signs in with a Cognito hosted login, admin-created users only by default', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'vigil-console-test' });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
      AllowedOAuthScopes: ['openid', 'email'],
    });
    const open = build(true);
    Template.fromStack(open.stack).hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    rmSync(open.outdir, { recursive: true, force: true });
  });

  it("puts every console route behind the pool's JWT authorizer", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: Match.objectLike({ Issuer: Match.anyValue(), Audience: Match.anyValue() }),
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties as { RouteKey: string; AuthorizationType: string },
    );
    const expected = CONSOLE_ROUTES.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).sort();
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(expected);
    expect(new Set(routes.map((r) => r.AuthorizationType))).toEqual(new Set(['JWT']));
  });

  it('lets the API read models, reports, state and dashboards, and write dashboards only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const text = JSON.stringify(policies);
    expect(text).toContain('vigil-data-bucket/dashboards/*');
    const puts = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).filter(
        (s) => [s.Action].flat().includes('s3:PutObject'),
      ),
    );
    expect(JSON.stringify(puts.map((s) => s.Resource))).not.toMatch(/reports|models|state/);
  });

  it('is cdk-nag AwsSolutions clean', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
  });

  it('refuses a hosted-login prefix Cognito would reject', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    expect(
      () =>
        new VigilConsole(stack, 'Console', {
          api: new HttpApi(stack, 'Api'),
          bucket: Bucket.fromBucketName(stack, 'Data', 'vigil-data-bucket'),
          projectRoot: ROOT,
          architecture: Architecture.ARM_64,
          domainPrefix: 'My_Console',
          assetsDir: ROOT,
        }),
    ).toThrow(/domainPrefix "My_Console"/);
  });

  it('is opt-in for the whole app: -c console=true adds it to the service stack, nag-clean', () => {
    const off = buildFixtureApp();
    Template.fromStack(off.stacks.service).resourceCountIs('AWS::CloudFront::Distribution', 0);
    rmSync(off.app.outdir, { recursive: true, force: true });
    const on = buildFixtureApp({ console: 'true', consoleDomainPrefix: 'vigil-fixture-console' });
    const service = Template.fromStack(on.stacks.service);
    service.resourceCountIs('AWS::CloudFront::Distribution', 1);
    service.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'vigil-fixture-console' });
    // The README names these outputs.
    expect(Object.keys(service.findOutputs('*'))).toEqual(
      expect.arrayContaining(['ConsoleUrl', 'ConsoleUserPoolId', 'ConsoleLoginDomain']),
    );
    const routes = Object.values(service.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties as { RouteKey: string; AuthorizationType: string },
    );
    // The service's own routes keep IAM; the console's take the pool's JWTs.
    for (const route of CONSOLE_ROUTES)
      for (const m of route.methods)
        expect(routes.find((r) => r.RouteKey === `${m} ${route.path}`)?.AuthorizationType).toBe('JWT');
    expect(routes.find((r) => r.RouteKey === 'GET /models')?.AuthorizationType).toBe('AWS_IAM');
    const report = new AwsSolutionsChecks(on.app).validateScope(on.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    rmSync(on.app.outdir, { recursive: true, force: true });
  });
});
