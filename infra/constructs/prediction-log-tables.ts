/**
 * Glue tables over the prediction log and the actuals with partition projection, so Athena reads new
 * partitions the moment they are written: no crawler, no MSCK REPAIR.
 */
import { Aws } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ActualRecord, PredictionRecord } from '../../functions/lib/records/schema.ts';

/**
 * Athena types of the Parquet columns (functions/lib/records/parquet.ts); keyed so tsc catches drift.
 * Every Glue column is nullable; Firehose's format conversion writes Parquet with exactly these types.
 */
export const PREDICTION_COLUMN_TYPES: Record<keyof PredictionRecord, string> = {
  id: 'string',
  timestamp: 'timestamp',
  model_name: 'string',
  model_version: 'string',
  text: 'string',
  text_sha256: 'string',
  text_chars: 'int',
  token_count: 'int',
  truncated: 'boolean',
  unknown_token_ratio: 'double',
  label: 'string',
  score: 'double',
  probabilities: 'array<float>',
  embedding: 'array<float>',
  latency_ms: 'double',
  request_id: 'string',
  // JSON object text of the declared extra fields: json_extract_scalar(fields, '$.language').
  fields: 'string',
  token_ids: 'array<int>',
};

export const ACTUAL_COLUMN_TYPES: Record<keyof ActualRecord, string> = {
  id: 'string',
  timestamp: 'timestamp',
  label: 'string',
};

// Dates are projected back this far; older partitions need a wider range (one table property).
const DATE_RANGE = 'NOW-3YEARS,NOW';

export interface PredictionLogTablesProps {
  readonly bucket: IBucket;
  /** Glue database name: lowercase letters, digits and underscores. */
  readonly databaseName: string;
}

const PARQUET_STORAGE = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
};

const columns = (types: Record<string, string>) =>
  Object.entries(types).map(([name, type]) => ({ name, type }));

export class PredictionLogTables extends Construct {
  readonly database: CfnDatabase;
  readonly predictions: CfnTable;
  readonly actuals: CfnTable;

  constructor(scope: Construct, id: string, props: PredictionLogTablesProps) {
    super(scope, id);
    if (!/^[a-z0-9_]{1,255}$/.test(props.databaseName)) {
      throw new Error(`Glue database name ${JSON.stringify(props.databaseName)} must match [a-z0-9_]+`);
    }
    const catalogId = Aws.ACCOUNT_ID;
    const root = `s3://${props.bucket.bucketName}`;
    this.database = new CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: {
        name: props.databaseName,
        description: 'Vigil prediction log (Hive-partitioned Parquet)',
      },
    });

    this.predictions = new CfnTable(this, 'Predictions', {
      catalogId,
      databaseName: props.databaseName,
      tableInput: {
        name: 'predictions',
        description: 'One row per prediction; filter on model and version (injected projection).',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          { name: 'model', type: 'string' },
          { name: 'version', type: 'string' },
          { name: 'date', type: 'string' },
          { name: 'hour', type: 'string' },
        ],
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'parquet',
          'projection.enabled': 'true',
          // Model names and versions are open-ended, so queries name them (WHERE model = ... AND version = ...).
          'projection.model.type': 'injected',
          'projection.version.type': 'injected',
          'projection.date.type': 'date',
          'projection.date.format': 'yyyy-MM-dd',
          'projection.date.range': DATE_RANGE,
          'projection.date.interval': '1',
          'projection.date.interval.unit': 'DAYS',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': `${root}/predictions/model=\${model}/version=\${version}/date=\${date}/hour=\${hour}/`,
        },
        storageDescriptor: {
          ...PARQUET_STORAGE,
          location: `${root}/predictions/`,
          columns: columns(PREDICTION_COLUMN_TYPES),
        },
      },
    });
    this.predictions.addResourceDependency(this.database);

    this.actuals = new CfnTable(this, 'Actuals', {
      catalogId,
      databaseName: props.databaseName,
      tableInput: {
        name: 'actuals',
        description: 'Ground-truth labels posted to /feedback; join predictions on id.',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          { name: 'model', type: 'string' },
          { name: 'date', type: 'string' },
        ],
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.model.type': 'injected',
          'projection.date.type': 'date',
          'projection.date.format': 'yyyy-MM-dd',
          'projection.date.range': DATE_RANGE,
          'projection.date.interval': '1',
          'projection.date.interval.unit': 'DAYS',
          'storage.location.template': `${root}/actuals/model=\${model}/date=\${date}/`,
        },
        storageDescriptor: {
          ...PARQUET_STORAGE,
          location: `${root}/actuals/`,
          columns: columns(ACTUAL_COLUMN_TYPES),
        },
      },
    });
    this.actuals.addResourceDependency(this.database);
  }
}
