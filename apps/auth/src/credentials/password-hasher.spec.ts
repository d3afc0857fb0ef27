import { ErrorCode, GardienError } from '@gardien/contracts';
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

describe('bounded argon2id work (an anonymous login must not buy unbounded CPU)', () => {
  const HASH = hasher.hash('correct horse battery staple');

  test('beyond its slots and short queue, a check is shed at once with UNAVAILABLE and a retry delay', async () => {
    const bounded = new PasswordHasher({ concurrency: 1, maxQueued: 1, retryAfterSeconds: 2 });
    const hash = await HASH;
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        bounded.verify(hash, 'correct horse battery staple').then(
          (ok) => ok,
          (e: GardienError) => e,
        ),
      ),
    );
    expect(answers.filter((a) => a === true)).toHaveLength(2); // one running, one queued
    expect(answers.filter((a) => a instanceof GardienError)).toEqual([
      expect.objectContaining({ code: ErrorCode.Unavailable, retryAfterSeconds: 2 }),
      expect.objectContaining({ code: ErrorCode.Unavailable, retryAfterSeconds: 2 }),
    ]);
    // Shed work does not count as a wrong password: the next check, once the queue drains, runs.
    expect(await bounded.verify(hash, 'correct horse battery staple')).toBe(true);
  });

  test('a check whose caller has stopped waiting is abandoned before it runs, queued or not', async () => {
    const bounded = new PasswordHasher({ concurrency: 1, maxQueued: 4, retryAfterSeconds: 1 });
    const hash = await HASH;
    await expect(bounded.verify(hash, 'correct horse battery staple', Date.now() - 1)).rejects.toMatchObject({ code: ErrorCode.Timeout });
    const running = bounded.verify(hash, 'correct horse battery staple');
    const queued = bounded.verify(hash, 'correct horse battery staple', Date.now() + 5);
    await expect(queued).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(await running).toBe(true);
  });
});
