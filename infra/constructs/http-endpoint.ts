/**
 * The HTTPS API: POST /predict, GET /health, POST /log, PUT/GET /models..., POST /feedback behind IAM (SigV4) authorization, or a JWT
 * authorizer when configured, with stage-wide throttling and JSON access logs.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export type EndpointAuthorization =
  | { readonly type: 'iam' }
  | { readonly type: 'jwt'; readonly issuer: string; readonly audience: readonly string[] };

export interface HttpEndpointProps {
  readonly predictFunction: IFunction;
  /** POST /log and the model-version routes. */
  readonly logFunction: IFunction;
  readonly feedbackFunction: IFunction;
  readonly authorization: EndpointAuthorization;
  /** Requests per second, steady state, for the whole stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

function authorizerFor(auth: EndpointAuthorization): IHttpRouteAuthorizer {
  if (auth.type === 'iam') return new HttpIamAuthorizer();
  return new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, { jwtAudience: [...auth.audience] });
}

export class HttpEndpoint extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: HttpEndpointProps) {
    super(scope, id);
    if (props.burstLimit < 1 || props.rateLimit < 1) throw new Error('throttling limits must be positive');
    this.api = new HttpApi(this, 'Api', {
      description: 'Vigil: POST /predict, GET /health, POST /log, /models, POST /feedback',
      defaultAuthorizer: authorizerFor(props.authorization),
      // The stage below carries throttling and access logs; the implicit one could not.
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      // The HTTP API's default JSON access-log format (request id, route, status, latency).
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    const predict = new HttpLambdaIntegration('Predict', props.predictFunction);
    this.api.addRoutes({ path: '/predict', methods: [HttpMethod.POST], integration: predict });
    this.api.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration: predict });
    const log = new HttpLambdaIntegration('Log', props.logFunction);
    this.api.addRoutes({ path: '/log', methods: [HttpMethod.POST], integration: log });
    this.api.addRoutes({ path: '/models', methods: [HttpMethod.GET], integration: log });
    this.api.addRoutes({
      path: '/models/{name}/versions/{version}',
      methods: [HttpMethod.GET, HttpMethod.PUT],
      integration: log,
    });
    this.api.addRoutes({
      path: '/feedback',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Feedback', props.feedbackFunction),
    });
  }

  /** https://<api-id>.execute-api.<region>.amazonaws.com/ */
  get url(): string {
    return this.stage.url;
  }
}
