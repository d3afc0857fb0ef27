// The windows quotas are counted over: the current UTC minute and the current UTC day. Fixed
// windows, the same for every replica (they read the same clock within NTP's error): a counter is
// a row per window, and a refusal says when the window ends (Retry-After).
export const WINDOW_KINDS = ['minute', 'day'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

const WINDOW_MS: Record<WindowKind, number> = { minute: 60_000, day: 86_400_000 };

export function windowStart(kind: WindowKind, now: Date): Date {
  const ms = WINDOW_MS[kind];
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/** Whole seconds until the window that holds `now` ends (at least 1). */
export function secondsLeft(kind: WindowKind, now: Date): number {
  const end = windowStart(kind, now).getTime() + WINDOW_MS[kind];
  return Math.max(1, Math.ceil((end - now.getTime()) / 1000));
}

/** Windows of this kind that ended before this, for a counter's scope, decide nothing any more. */
export function expiredBefore(kind: WindowKind, now: Date): Date {
  return new Date(windowStart(kind, now).getTime() - WINDOW_MS[kind]);
}
