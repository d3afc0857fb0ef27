// One service's migrations, applied by its own migration step (apps/<service>/dist/migrate.js:
// the CLI may not import apps), started as a child process that holds one credential only, the
// owner's URL of this run. Its log lines go to our stderr; its report comes back on its stdout.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MigrationReport, sharedEnvironment } from '@gardien/bootstrap';
import type { BusService } from '@gardien/contracts';
import { ProvisionError } from './provision-error.js';

export async function runMigrationStep(root: string, service: BusService, ownerUrl: string, env: NodeJS.ProcessEnv): Promise<MigrationReport> {
  const child = spawn(process.execPath, [join(root, 'apps', service, 'dist', 'migrate.js')], {
    cwd: root,
    env: { ...sharedEnvironment(env), GARDIEN_DATABASE_URL: ownerUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new ProvisionError('failed', `the migrations of ${service} failed (exit ${code}); its log lines are above`);
  const report = MigrationReport.safeParse(parseLastLine(stdout));
  if (!report.success || report.data.service !== service) throw new ProvisionError('failed', `the migration step of ${service} answered unexpectedly`);
  return report.data;
}

function parseLastLine(output: string): unknown {
  try {
    return JSON.parse(output.trim().split('\n').at(-1) ?? '');
  } catch {
    return undefined;
  }
}
