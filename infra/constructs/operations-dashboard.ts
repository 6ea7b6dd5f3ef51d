/**
 * What an operator looks at: one CloudWatch dashboard (traffic, latency, errors, drift p-values and
 * scores the monitor emits as EMF) and alarms on function errors, throttles and API 5xx, sent to the topic.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  type Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The monitor's EMF contract: namespace, dimensions and metric names the dashboard searches for. */
export const DRIFT_METRICS = {
  namespace: 'Vigil',
  dimensions: ['model', 'version', 'check'],
  pValue: 'p_value',
  score: 'score',
} as const;

export interface OperationsDashboardProps {
  readonly dashboardName: string;
  readonly api: HttpApi;
  /** Functions by display name, e.g. { predict, feedback, monitor }. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly alarmTopic: ITopic;
}

const FIVE_MINUTES = Duration.minutes(5);

function driftSearch(metricName: string, label: string): MathExpression {
  const dims = [DRIFT_METRICS.namespace, ...DRIFT_METRICS.dimensions].join(',');
  return new MathExpression({
    expression: `SEARCH('{${dims}} MetricName="${metricName}"', 'Average', 3600)`,
    usingMetrics: {},
    label,
    period: Duration.hours(1),
  });
}

export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const action = new SnsAction(props.alarmTopic);
    const alarmOn = (name: string, metric: Metric, threshold: number, description: string) => {
      const alarm = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };

    const fns = Object.entries(props.functions);
    for (const [name, fn] of fns) {
      const title = name[0].toUpperCase() + name.slice(1);
      alarmOn(
        `${title}Errors`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `${name} function errors`,
      );
      alarmOn(
        `${title}Throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `${name} function throttled`,
      );
    }
    alarmOn(
      'ApiServerErrors',
      props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      'HTTP API 5xx',
    );

    const perFunction = (pick: (fn: IFunction) => IMetric) => fns.map(([, fn]) => pick(fn));
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new TextWidget({
            markdown:
              '# Vigil\nTraffic and errors of the endpoint; drift p-values (low = drift) and scores per check.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({
            title: 'Requests',
            left: [props.api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' })],
            width: 8,
          }),
          new GraphWidget({
            title: 'Latency (ms)',
            left: ['p50', 'p90', 'p99'].map((s) =>
              props.api.metricLatency({ period: FIVE_MINUTES, statistic: s }),
            ),
            width: 8,
          }),
          new GraphWidget({
            title: 'HTTP errors',
            left: [
              props.api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum' }),
              props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
            ],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Function errors',
            left: perFunction((fn) => fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' })),
            width: 8,
          }),
          new GraphWidget({
            title: 'Function throttles',
            left: perFunction((fn) => fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })),
            width: 8,
          }),
          new GraphWidget({
            title: 'Function duration p90 (ms)',
            left: perFunction((fn) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p90' })),
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Drift p-values (per model, version, check)',
            left: [driftSearch(DRIFT_METRICS.pValue, 'p-value')],
            leftYAxis: { min: 0, max: 1 },
            width: 12,
          }),
          new GraphWidget({
            title: 'Drift scores (per model, version, check)',
            left: [driftSearch(DRIFT_METRICS.score, 'score')],
            width: 12,
          }),
        ],
      ],
    });
  }
}
