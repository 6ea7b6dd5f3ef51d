/**
 * The Vigil console on AWS (opt-in, `-c console=true`): the built app in a private S3 bucket behind
 * CloudFront (origin access control, HTTPS only, security headers with a CSP), sign-in with a Cognito
 * user pool's hosted login (no self sign-up by default), and the console's read routes on the service's
 * HTTP API behind a JWT authorizer of that pool. CloudFront also forwards the API paths, so the app
 * talks to its own origin only.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CfnOutput, DockerImage, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AllowedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  AccountRecovery,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Architecture } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { VigilFunction } from './vigil-function.ts';

export interface ConsoleProps {
  /** The service's HTTP API; the console's read routes are added to it. */
  readonly api: HttpApi;
  /** The data bucket: reports/, models/, state/ are read, dashboards/ read and written. */
  readonly bucket: IBucket;
  readonly projectRoot: string;
  readonly architecture: Architecture;
  /** The console API handler. @default - functions/console/handler.ts under projectRoot */
  readonly entry?: string;
  /**
   * Prefix of the hosted-login domain (<prefix>.auth.<region>.amazoncognito.com), unique per region.
   * @default vigil-console-<account id>
   */
  readonly domainPrefix?: string;
  /** Let anyone with the URL create an account. @default false (users are added by an administrator) */
  readonly selfSignUp?: boolean;
  /**
   * A folder with the built app (index.html, app/). @default - built at synth with esbuild
   * (functions/console/write-assets.ts)
   */
  readonly assetsDir?: string;
}

/** The console's routes on the HTTP API, all behind the pool's JWT authorizer. */
export const CONSOLE_ROUTES: readonly { path: string; methods: HttpMethod[] }[] = [
  { path: '/console/models', methods: [HttpMethod.GET] },
  { path: '/models/{name}/versions/{version}/runs', methods: [HttpMethod.GET] },
  { path: '/models/{name}/versions/{version}/runs/{run}', methods: [HttpMethod.GET] },
  { path: '/models/{name}/versions/{version}/series', methods: [HttpMethod.GET] },
  { path: '/models/{name}/versions/{version}/alerts', methods: [HttpMethod.GET] },
  { path: '/dashboards', methods: [HttpMethod.GET] },
  { path: '/dashboards/{id}', methods: [HttpMethod.GET, HttpMethod.PUT] },
];

/** CloudFront paths forwarded to the API (the rest is the app). */
const API_PATHS = ['/console/*', '/models/*', '/dashboards', '/dashboards/*'];

function appAssets(props: ConsoleProps) {
  if (props.assetsDir) return Source.asset(props.assetsDir);
  const appDir = join(props.projectRoot, 'functions', 'console', 'app');
  return Source.asset(appDir, {
    bundling: {
      // Never used: the local build below always runs (esbuild is a dev dependency of the project).
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      local: {
        tryBundle(outputDir: string) {
          execFileSync(
            process.execPath,
            [
              '--import',
              'tsx',
              join(props.projectRoot, 'functions', 'console', 'write-assets.ts'),
              outputDir,
            ],
            { cwd: props.projectRoot, stdio: 'pipe' },
          );
          return true;
        },
      },
    },
  });
}

/** A bucket name as cdk-nag writes it in a finding id: an import by its export name, a Ref as <LogicalId>. */
function nagName(stack: Stack, value: string): string {
  if (!Token.isUnresolved(value)) return value;
  const resolved = stack.resolve(value) as Record<string, unknown> | null;
  if (typeof resolved?.['Fn::ImportValue'] === 'string') return resolved['Fn::ImportValue'];
  if (typeof resolved?.Ref === 'string') return `<${resolved.Ref}>`;
  return '<bucket>';
}

export class VigilConsole extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  readonly distribution: Distribution;
  readonly assets: Bucket;
  readonly api: VigilFunction;
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const domainPrefix = props.domainPrefix ?? `vigil-console-${Stack.of(this).account}`;
    if (
      props.domainPrefix !== undefined &&
      (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domainPrefix) || domainPrefix.includes('cognito'))
    )
      throw new Error(
        `console domainPrefix "${domainPrefix}" must be 1-63 lowercase letters, digits and hyphens, without "cognito"`,
      );

    this.assets = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only build output lives here; a redeploy writes it again.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: props.selfSignUp ?? false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // The pool holds who may read monitoring data; keep it when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.domain = this.userPool.addDomain('Login', { cognitoDomain: { domainPrefix } });
    const loginHost = `${domainPrefix}.auth.${region}.amazoncognito.com`;

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Vigil console: only its own origin (and the sign-in domain for the token exchange)',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            `connect-src 'self' https://${loginHost}`,
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            `form-action 'self' https://${loginHost}`,
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    // API answers are per user: the token is part of the cache key and nothing is kept.
    const apiCache = new CachePolicy(this, 'ApiNoCache', {
      comment: 'Vigil console API: forward Authorization and the query, keep nothing',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      enableAcceptEncodingGzip: true,
    });
    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${region}.amazonaws.com`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    });
    const apiBehavior = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: apiCache,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: headers,
    };
    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'Vigil console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.assets),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      },
      additionalBehaviors: Object.fromEntries(API_PATHS.map((p) => [p, apiBehavior])),
    });
    const consoleUrl = `https://${this.distribution.distributionDomainName}/`;

    this.client = this.userPool.addClient('App', {
      generateSecret: false,
      authFlows: {},
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });

    this.api = new VigilFunction(this, 'Api', {
      entry: props.entry ?? join(props.projectRoot, 'functions', 'console', 'handler.ts'),
      projectRoot: props.projectRoot,
      architecture: props.architecture,
      description: 'Vigil console read API: runs, reports, series, alerts, dashboards',
      memorySize: 1024,
      timeout: Duration.seconds(29),
      environment: { VIGIL_BUCKET: props.bucket.bucketName },
    });
    const readable = ['models/', 'reports/', 'state/', 'dashboards/'];
    this.api.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': readable.map((p) => `${p}*`) } },
      }),
    );
    this.api.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: readable.map((p) => props.bucket.arnForObjects(`${p}*`)),
      }),
    );
    this.api.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects('dashboards/*')],
      }),
    );

    const authorizer = new HttpUserPoolAuthorizer('ConsoleAuthorizer', this.userPool, {
      userPoolClients: [this.client],
    });
    const integration = new HttpLambdaIntegration('ConsoleApi', this.api.fn);
    for (const route of CONSOLE_ROUTES) props.api.addRoutes({ ...route, integration, authorizer });

    this.deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.assets,
      sources: [
        appAssets(props),
        Source.jsonData('config.json', {
          auth: { domain: loginHost, clientId: this.client.userPoolClientId, scopes: ['openid', 'email'] },
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 256,
    });

    this.acknowledgeFindings(props.bucket);

    // At stack level, so the outputs are named ConsoleUrl etc. in `cdk deploy` and describe-stacks.
    const stackScope = Stack.of(this);
    new CfnOutput(stackScope, `${id}Url`, {
      value: consoleUrl,
      description: 'The Vigil console (sign in with the user pool)',
    });
    new CfnOutput(stackScope, `${id}UserPoolId`, {
      value: this.userPool.userPoolId,
      description: 'Add users with aws cognito-idp admin-create-user --user-pool-id <this>',
    });
    new CfnOutput(stackScope, `${id}LoginDomain`, {
      value: loginHost,
      description: 'Hosted login of the console',
    });
  }

  /** cdk-nag AwsSolutions findings the console accepts, each on the narrowest construct, with its reason. */
  private acknowledgeFindings(bucket: IBucket): void {
    const name = nagName(Stack.of(this), bucket.bucketName);
    const objects = (prefix: string) =>
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${name}/${prefix}*]`;
    Validations.of(this.assets).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only the built app (public code, no data); CloudFront is its only reader, through OAC.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'A small, administrator-managed pool with required MFA and no self sign-up; the Plus plan (threat ' +
        'protection) is billed per user and can be switched on by the operator.',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The console is for the operators wherever they are; sign-in gates it.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The static app is public code; the API paths need a Cognito JWT and the HTTP API stage is throttled. ' +
          'Attach a web ACL with webAclId when the deployment needs one.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'API requests are logged by the HTTP API stage; the static files carry no data worth logging.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot pin TLS 1.2; HSTS is sent and a custom domain with ' +
          'its own certificate raises the minimum protocol.',
      },
    );
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs.',
      },
      { id: 'AwsSolutions-L1', reason: 'Node.js 22 is the runtime Vigil is built and tested on.' },
      ...['models/', 'reports/', 'state/', 'dashboards/'].map((prefix) => ({
        id: objects(prefix),
        reason: `Object ARNs under one key prefix need a trailing wildcard; access is scoped to ${prefix} only.`,
      })),
    );
    // CDK's BucketDeployment provider (a stack-wide singleton) copies the asset and invalidates the CDN.
    const stack = Stack.of(this);
    const provider = this.deployment.handlerRole.node.scope as IConstruct;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const assetsLogicalId = stack.getLogicalId(this.assets.node.defaultChild as CfnBucket);
    const providerReason =
      "CDK's BucketDeployment provider: copies the app from the CDK assets bucket into the console bucket and " +
      'invalidates the distribution; CDK generates these grants for exactly those buckets.';
    Validations.of(provider).acknowledge(
      ...[
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-L1',
        ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
          (a) => `AwsSolutions-IAM5[Action::${a}]`,
        ),
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`,
        `AwsSolutions-IAM5[Resource::<${assetsLogicalId}.Arn>/*]`,
        'AwsSolutions-IAM5[Resource::*]',
      ].map((id) => ({ id, reason: providerReason })),
    );
  }
}
