// A model call answered once, as the platform stops a cancellable call: its handler's Observable
// is unsubscribed (the caller went away and said so with `streams.cancel`), which aborts the
// call's signal, which aborts the request to the runtime, as for a stream.
import { Observable } from 'rxjs';

/** The one answer of `work`; unsubscribing before it comes aborts the signal `work` was given. */
export function cancellableAnswer<T>(work: (cancelled: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    work(controller.signal).then(
      (answer) => {
        settled = true;
        subscriber.next(answer);
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled) controller.abort();
    };
  });
}
