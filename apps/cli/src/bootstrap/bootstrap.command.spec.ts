import { CommanderError } from 'commander';
import { bootstrapCommand, runBootstrap } from './bootstrap.command.js';

const PASSWORD = 'correct horse battery staple';

/** The command as main.ts registers it, but throwing its usage errors instead of exiting. */
async function parseError(args: string[]): Promise<{ error: CommanderError; stderr: string }> {
  let stderr = '';
  const command = bootstrapCommand()
    .exitOverride()
    .configureOutput({ writeErr: (text) => (stderr += text) });
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { error, stderr };
    throw error;
  }
  throw new Error('expected commander to refuse the arguments');
}

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } };
}

describe('no password on the command line', () => {
  test('the only password option is --password-file', () => {
    const longs = bootstrapCommand().options.map((option) => option.long);
    expect(longs.filter((name) => /pass/i.test(name ?? ''))).toEqual(['--password-file']);
  });

  test.each([
    [['--admin-email', 'root@example.org', '--password', PASSWORD], "error: unknown option '--password'"],
    [['--admin-email', 'root@example.org', `--password=${PASSWORD}`], "error: unknown option '--password'"],
    [['--admin-email', 'root@example.org', `-p${PASSWORD}`], "error: unknown option '-p'"],
  ])('%j is refused as an unknown option, without echoing the value', async (args, expected) => {
    const { error, stderr } = await parseError(args);
    expect(error.code).toBe('commander.unknownOption');
    expect(stderr).toContain(expected);
    expect(stderr).not.toContain(PASSWORD);
    expect(stderr).not.toContain('horse');
  });

  test('--admin-email is required', async () => {
    const { error } = await parseError([]);
    expect(error.code).toBe('commander.missingMandatoryOptionValue');
  });
});

describe('runBootstrap before it connects', () => {
  // Port 1 answers nothing: reaching the bus would end in 69, not in the codes expected here.
  const unreachableBus = { GARDIEN_NATS_URL: 'nats://127.0.0.1:1' };

  test('bad input ends in 64 with the message on stderr, nothing on stdout, and no secret anywhere', async () => {
    const { out, stdout, stderr } = capture();
    const code = await runBootstrap(
      { adminEmail: 'Root@Example.org', tenant: 'acme' },
      { env: { ...unreachableBus, GARDIEN_BOOTSTRAP_PASSWORD: PASSWORD }, stdout, stderr },
    );
    expect(code).toBe(64);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('gardien bootstrap: --tenant, --tenant-name, --tenant-admin-email go together');
    const logLine = JSON.parse(out.stderr.split('\n')[0]!) as Record<string, unknown>;
    expect(logLine).toMatchObject({ level: 'error', service: 'cli', event: 'bootstrap.failed', code: 'USAGE', exit_code: 64 });
    expect(out.stderr).not.toMatch(/example\.org|horse/i);
  });

  test('a bad bus configuration ends in 78, naming the variable', async () => {
    const { out, stdout, stderr } = capture();
    const code = await runBootstrap({ adminEmail: 'root@example.org' }, { env: { GARDIEN_NATS_URL: 'not a url', GARDIEN_BOOTSTRAP_PASSWORD: PASSWORD }, stdout, stderr });
    expect(code).toBe(78);
    expect(out.stderr).toContain('gardien bootstrap: invalid configuration: GARDIEN_NATS_URL');
    expect(out.stderr).not.toContain('not a url');
  });
});
