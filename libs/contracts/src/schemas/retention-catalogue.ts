// The longest retention, in days, each service declares for its categories of data
// (`<service>.<category>`). A tenant's retention overrides may only shorten these. Kept here until
// the services' retention declarations are gathered from the services themselves.
export const RETENTION_MAXIMA_DAYS: Readonly<Record<string, number>> = Object.freeze({
  'auth.sessions': 30,
  'auth.login-throttle': 1,
});
