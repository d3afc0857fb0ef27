import { firstValueFrom, lastValueFrom } from 'rxjs';
import { cancellableAnswer } from './cancellable-answer.js';

test('the answer of the work, once; its signal never aborted when it answers or fails', async () => {
  let seen: AbortSignal | undefined;
  await expect(lastValueFrom(cancellableAnswer(async (cancelled) => ((seen = cancelled), 42)))).resolves.toBe(42);
  expect(seen!.aborted).toBe(false);
  await expect(
    firstValueFrom(
      cancellableAnswer(async (cancelled) => {
        seen = cancelled;
        throw new Error('refused');
      }),
    ),
  ).rejects.toThrow('refused');
  expect(seen!.aborted).toBe(false);
});

test('unsubscribed before the answer (the caller cancelled the call): the work’s signal aborts', async () => {
  let seen: AbortSignal | undefined;
  const subscription = cancellableAnswer((cancelled) => {
    seen = cancelled;
    return new Promise<number>((_, reject) => cancelled.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));
  }).subscribe({ error: () => undefined });
  expect(seen!.aborted).toBe(false);
  subscription.unsubscribe();
  expect(seen!.aborted).toBe(true);
});
