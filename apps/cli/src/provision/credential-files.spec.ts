// The credential files of `gardien provision`: private, written whole, reused by the next run.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { urlFor } from '@gardien/persistence';
import { CredentialFiles } from './credential-files.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const role = 'gardien_auth_app';
const urlWith = (password: string, user = role) => `postgres://${user}:${password}@db:5432/gardien_auth?sslmode=require`;

test('a first run gets a new password; the file it writes is private, in a private directory, with nothing left beside it', () => {
  const files = new CredentialFiles(join(dir, 'first'));
  const password = files.passwordFor('auth', 'runtime', role);
  expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(files.passwordFor('auth', 'runtime', role)).not.toBe(password);
  const file = files.write('auth', 'runtime', urlWith(password));
  expect(file).toBe(join(dir, 'first', 'auth', 'database.url'));
  expect(readFileSync(file, 'utf8')).toBe(`${urlWith(password)}\n`);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, 'first', 'auth')).mode & 0o777).toBe(0o700);
  expect(readdirSync(join(dir, 'first', 'auth'))).toEqual(['database.url']);
});

test('the next run reuses the password written, even one that needed escaping in the URL', () => {
  const files = new CredentialFiles(join(dir, 'again'));
  const password = 'p@ss/wörd:+%41';
  files.write('auth', 'runtime', urlFor('postgres://postgres@db:5432/postgres', 'gardien_auth', role, password));
  expect(files.passwordFor('auth', 'runtime', role)).toBe(password);
});

test('a directory made too open by hand is closed again; an existing file is replaced whole', () => {
  const files = new CredentialFiles(join(dir, 'open'));
  mkdirSync(join(dir, 'open', 'tenant'), { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'open', 'tenant', 'database.url'), 'old', { mode: 0o644 });
  const file = files.write('tenant', 'runtime', urlWith('new-password', 'gardien_tenant_app'));
  expect(statSync(join(dir, 'open', 'tenant')).mode & 0o777).toBe(0o700);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, 'utf8')).toContain('new-password');
});

test('a file holding another role’s credentials, or no URL, is refused by name, without its content', () => {
  const files = new CredentialFiles(join(dir, 'other'));
  files.write('auth', 'runtime', urlWith('their-password', 'gardien_tenant_app'));
  expect(() => files.passwordFor('auth', 'runtime', role)).toThrow(expect.objectContaining({ kind: 'config', message: expect.stringContaining('another role') }));
  writeFileSync(files.fileOf('auth', 'runtime'), 'not a url: their-password');
  let message = '';
  try {
    files.passwordFor('auth', 'runtime', role);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain(files.fileOf('auth', 'runtime'));
  expect(message).not.toContain('their-password');
});

test('a credential no longer needed is removed', () => {
  const files = new CredentialFiles(join(dir, 'removed'));
  files.write('auth', 'maintenance', urlWith('m', 'gardien_auth_maint'));
  files.remove('auth', 'maintenance');
  files.remove('auth', 'maintenance');
  expect(readdirSync(join(dir, 'removed', 'auth'))).toEqual([]);
});
