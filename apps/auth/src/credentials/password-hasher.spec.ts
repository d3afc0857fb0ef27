import { PasswordHasher } from './password-hasher.js';

const hasher = new PasswordHasher();

test('hashes with argon2id at the OWASP parameters and verifies', async () => {
  const hash = await hasher.hash('correct horse battery staple');
  expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
  expect(await hasher.verify(hash, 'Correct horse battery staple')).toBe(false);
  expect(hasher.needsRehash(hash)).toBe(false);
});

test('an unknown account is refused after the same work as a wrong password', async () => {
  expect(await hasher.verify(undefined, 'anything at all')).toBe(false);
  expect(await hasher.verify('not-a-hash', 'anything at all')).toBe(false);
});
