import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBootstrapRequest, UsageError, type BootstrapOptions } from './bootstrap-input.js';

const ADMIN_PASSWORD = 'correct horse battery staple';
const TENANT_ADMIN_PASSWORD = 'tenant admin passphrase 42';
const dir = mkdtempSync(join(tmpdir(), 'gardien-bootstrap-input-'));
let files = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function passwordFile(content: string, mode = 0o600): string {
  const file = join(dir, `passwords-${files++}`);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

const withTenant: BootstrapOptions = {
  adminEmail: 'Root@Example.org',
  tenant: 'acme',
  tenantName: 'Acme',
  tenantAdminEmail: 'admin@acme.example',
};

/** The usage error thrown, so that tests can check both what it says and what it must not say. */
function usageErrorOf(read: () => unknown): UsageError {
  try {
    read();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('passwords from GARDIEN_BOOTSTRAP_PASSWORD', () => {
  test('one password for the super-admin and the tenant admin; emails lower-cased', () => {
    expect(readBootstrapRequest(withTenant, { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD })).toEqual({
      admin: { email: 'root@example.org', password: ADMIN_PASSWORD },
      tenant: { slug: 'acme', name: 'Acme', admin: { email: 'admin@acme.example', password: ADMIN_PASSWORD } },
    });
  });

  test('without tenant options, only the super-admin is asked for', () => {
    expect(readBootstrapRequest({ adminEmail: 'root@example.org' }, { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD })).toEqual({
      admin: { email: 'root@example.org', password: ADMIN_PASSWORD },
    });
  });
});

describe('passwords from --password-file', () => {
  test('one line: the password of both accounts, its line end stripped', () => {
    const request = readBootstrapRequest({ ...withTenant, passwordFile: passwordFile(`${ADMIN_PASSWORD}\n`) }, {});
    expect(request.admin.password).toBe(ADMIN_PASSWORD);
    expect(request.tenant?.admin.password).toBe(ADMIN_PASSWORD);
  });

  test('two lines: the super-admin’s, then the tenant admin’s (CRLF line ends too)', () => {
    for (const content of [`${ADMIN_PASSWORD}\n${TENANT_ADMIN_PASSWORD}\n`, `${ADMIN_PASSWORD}\r\n${TENANT_ADMIN_PASSWORD}`]) {
      const request = readBootstrapRequest({ ...withTenant, passwordFile: passwordFile(content) }, {});
      expect(request.admin.password).toBe(ADMIN_PASSWORD);
      expect(request.tenant?.admin.password).toBe(TENANT_ADMIN_PASSWORD);
    }
  });

  test('without a final line end, the last character is kept', () => {
    const request = readBootstrapRequest({ adminEmail: 'root@example.org', passwordFile: passwordFile(ADMIN_PASSWORD) }, {});
    expect(request.admin.password).toBe(ADMIN_PASSWORD);
  });

  test.each([0o640, 0o604, 0o660, 0o644, 0o620])('a file with mode %o (group or others) is refused, like ssh does', (mode) => {
    const file = passwordFile(`${ADMIN_PASSWORD}\n`, mode);
    const error = usageErrorOf(() => readBootstrapRequest({ ...withTenant, passwordFile: file }, {}));
    expect(error.message).toMatch(/accessible by group or others .*chmod 600/);
    expect(error.message).toContain(`mode 0${mode.toString(8)}`);
    expect(error.message).not.toContain(ADMIN_PASSWORD);
    expect(error.message).not.toContain(file);
  });

  test('a missing file is named by its option only (a password typed as the path is not echoed)', () => {
    const error = usageErrorOf(() => readBootstrapRequest({ ...withTenant, passwordFile: ADMIN_PASSWORD }, {}));
    expect(error.message).toBe('cannot open --password-file (ENOENT)');
  });

  test('an empty file, or one with more than two lines, is refused', () => {
    expect(usageErrorOf(() => readBootstrapRequest({ ...withTenant, passwordFile: passwordFile('') }, {})).message).toBe('--password-file is empty');
    const threeLines = passwordFile(`${ADMIN_PASSWORD}\n${TENANT_ADMIN_PASSWORD}\nthird one here\n`);
    expect(usageErrorOf(() => readBootstrapRequest({ ...withTenant, passwordFile: threeLines }, {})).message).toMatch(/one line .* or two .*; it holds 3$/);
  });

  test('two passwords without a tenant are refused rather than silently ignored', () => {
    const file = passwordFile(`${ADMIN_PASSWORD}\n${TENANT_ADMIN_PASSWORD}\n`);
    expect(usageErrorOf(() => readBootstrapRequest({ adminEmail: 'root@example.org', passwordFile: file }, {})).message).toMatch(
      /two passwords but no --tenant/,
    );
  });
});

describe('what is refused before anything connects', () => {
  test('no password at all', () => {
    expect(usageErrorOf(() => readBootstrapRequest(withTenant, {})).message).toMatch(/no password given: set GARDIEN_BOOTSTRAP_PASSWORD or pass --password-file/);
    expect(usageErrorOf(() => readBootstrapRequest(withTenant, { GARDIEN_BOOTSTRAP_PASSWORD: '' })).message).toMatch(/no password given/);
  });

  test('both password sources at once', () => {
    const file = passwordFile(`${ADMIN_PASSWORD}\n`);
    expect(usageErrorOf(() => readBootstrapRequest({ ...withTenant, passwordFile: file }, { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD })).message).toMatch(
      /either in GARDIEN_BOOTSTRAP_PASSWORD or with --password-file, not both/,
    );
  });

  test.each([
    [{ tenant: 'acme' }, 'missing --tenant-name, --tenant-admin-email'],
    [{ tenantName: 'Acme' }, 'missing --tenant, --tenant-admin-email'],
    [{ tenantAdminEmail: 'admin@acme.example' }, 'missing --tenant, --tenant-name'],
    [{ tenant: 'acme', tenantName: 'Acme' }, 'missing --tenant-admin-email'],
    [{ tenant: 'acme', tenantAdminEmail: 'admin@acme.example' }, 'missing --tenant-name'],
    [{ tenantName: 'Acme', tenantAdminEmail: 'admin@acme.example' }, 'missing --tenant'],
  ])('tenant options given partly (%j)', (partial, missing) => {
    const error = usageErrorOf(() => readBootstrapRequest({ adminEmail: 'root@example.org', ...partial }, { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD }));
    expect(error.message).toBe(`--tenant, --tenant-name, --tenant-admin-email go together: ${missing}`);
  });

  test('bad values are named by their option, never echoed', () => {
    const error = usageErrorOf(() =>
      readBootstrapRequest(
        { adminEmail: 'not-an-email', tenant: '-Bad_Slug', tenantName: 'Acme', tenantAdminEmail: 'also wrong' },
        { GARDIEN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD },
      ),
    );
    expect(error.message).toMatch(/^invalid input: /);
    expect(error.message).toContain('--admin-email is not a valid email address');
    expect(error.message).toContain('--tenant must be 1 to 63 lower-case letters');
    expect(error.message).toContain('--tenant-admin-email is not a valid email address');
    for (const value of ['not-an-email', '-Bad_Slug', 'also wrong', ADMIN_PASSWORD]) expect(error.message).not.toContain(value);
  });

  test('a short password is named by where it came from, never echoed', () => {
    const short = 'short pw';
    const fromEnv = usageErrorOf(() => readBootstrapRequest(withTenant, { GARDIEN_BOOTSTRAP_PASSWORD: short }));
    expect(fromEnv.message).toContain("the super-admin's password (GARDIEN_BOOTSTRAP_PASSWORD) is too short (at least 12 characters)");
    expect(fromEnv.message).not.toContain(short);
    const secondLine = usageErrorOf(() => readBootstrapRequest({ ...withTenant, passwordFile: passwordFile(`${ADMIN_PASSWORD}\n${short}\n`) }, {}));
    expect(secondLine.message).toBe("invalid input: the tenant admin's password (line 2 of --password-file) is too short (at least 12 characters)");
  });

  test('an empty tenant name and an over-long password', () => {
    const error = usageErrorOf(() => readBootstrapRequest({ ...withTenant, tenantName: '   ' }, { GARDIEN_BOOTSTRAP_PASSWORD: 'x'.repeat(129) }));
    expect(error.message).toContain("the super-admin's password (GARDIEN_BOOTSTRAP_PASSWORD) is too long (at most 128 characters)");
    expect(error.message).toContain('--tenant-name is empty');
  });
});
