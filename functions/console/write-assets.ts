/**
 * Writes the built console to a folder for S3: `node --import tsx functions/console/write-assets.ts DIR`.
 * The CDK construct runs it at synth; on AWS the security headers (CSP included) come from CloudFront,
 * so the page's own <meta> policy is left out (it could not name the sign-in domain), and config.json is
 * written by the deployment.
 */
import { writeConsoleAssets } from './build-assets.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: write-assets.ts OUT_DIR');
  process.exit(2);
}
const files = await writeConsoleAssets(dir, { metaCsp: false, config: null });
console.log(`console: wrote ${files.length} files to ${dir}`);
