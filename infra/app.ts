/**
 * CDK entry point (`npx cdk synth|deploy`, see cdk.json): reads the context values and builds the app.
 */
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { readDeployConfig } from './deploy-config.ts';
import { buildVigilApp } from './vigil-app.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const app = new App();
buildVigilApp(app, {
  config: readDeployConfig(app.node),
  projectRoot,
  // The CLI sets these from the caller's credentials and region.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
