import { ErrorCode, type GardienError } from '@gardien/contracts';
import { applySettingsUpdate, checkRetentionOverrides, DEFAULT_TENANT_SETTINGS, type SettingsValues } from './settings-update.js';

/** As auth declares them in its inventory. */
const maxima = { 'auth.sessions': { maxDays: 30, tenantMayShorten: true }, 'auth.login-throttle': { maxDays: 1, tenantMayShorten: false } };

function refusal(overrides: Record<string, number>): GardienError {
  try {
    checkRetentionOverrides(overrides, maxima);
  } catch (error) {
    return error as GardienError;
  }
  throw new Error('the overrides were accepted');
}

test('overrides up to the declared maximum are accepted', () => {
  expect(() => checkRetentionOverrides({ 'auth.sessions': 30 }, maxima)).not.toThrow();
  expect(() => checkRetentionOverrides({ 'auth.sessions': 1 }, maxima)).not.toThrow();
  expect(() => checkRetentionOverrides({}, maxima)).not.toThrow();
});

test('an override longer than the declared maximum is refused, naming the category but not the value', () => {
  const error = refusal({ 'auth.sessions': 31 });
  expect(error.code).toBe(ErrorCode.ValidationFailed);
  expect(error.details).toEqual([{ path: 'payload.retention_days.auth.sessions', reason: 'exceeds_declared_maximum' }]);
  expect(JSON.stringify(error.toEnvelope())).not.toContain('31');
});

test('an undeclared category is refused without echoing its name', () => {
  const error = refusal({ 'jean.dupont': 5, 'auth.sessions': 10 });
  expect(error.code).toBe(ErrorCode.ValidationFailed);
  expect(error.details).toEqual([{ path: 'payload.retention_days.*', reason: 'unknown_category' }]);
  expect(JSON.stringify(error.toEnvelope())).not.toMatch(/jean|dupont/);
});

test('inherited object keys are not declared categories', () => {
  expect(refusal({ constructor: 1 }).details).toEqual([{ path: 'payload.retention_days.*', reason: 'unknown_category' }]);
});

test('a category its service does not let tenants shorten is refused, even at its maximum', () => {
  expect(refusal({ 'auth.login-throttle': 1 }).details).toEqual([{ path: 'payload.retention_days.auth.login-throttle', reason: 'not_shortenable' }]);
});

describe('applying an update', () => {
  const current: SettingsValues = {
    allowed_models: ['mistral:7b'],
    quotas: { requests_per_minute: 600, requests_per_day: 10_000, tokens_per_minute: 50_000, tokens_per_day: 1_000_000, api_key: { requests_per_minute: 60 } },
    guards: { injection: 'block', output_leaks: 'flag' },
    retention_days: { 'auth.sessions': 20 },
  };

  test('merges the quotas given and keeps the others', () => {
    const { next, changed } = applySettingsUpdate(current, { quotas: { tokens_per_day: 5_000 } });
    expect(next).toEqual({ ...current, quotas: { ...current.quotas, tokens_per_day: 5_000 } });
    expect(changed).toEqual({ allowedModels: false, quotas: true, guards: false, retentionDays: false });
  });

  test('replaces the limits of API keys whole, and sees a change in them', () => {
    const { next, changed } = applySettingsUpdate(current, { quotas: { api_key: { tokens_per_day: 1_000 } } });
    expect(next.quotas).toEqual({ ...current.quotas, api_key: { tokens_per_day: 1_000 } });
    expect(changed.quotas).toBe(true);
    expect(applySettingsUpdate(current, { quotas: { api_key: { requests_per_minute: 60 } } }).changed.quotas).toBe(false);
  });

  test('merges the guard actions given', () => {
    const { next, changed } = applySettingsUpdate(current, { guards: { output_leaks: 'block' } });
    expect(next.guards).toEqual({ injection: 'block', output_leaks: 'block' });
    expect(changed).toEqual({ allowedModels: false, quotas: false, guards: true, retentionDays: false });
  });

  test('replaces the models (without duplicates) and the retention overrides given', () => {
    const { next, changed } = applySettingsUpdate(current, { allowed_models: ['llama3:8b', 'llama3:8b', 'mistral:7b'], retention_days: {} });
    expect(next.allowed_models).toEqual(['llama3:8b', 'mistral:7b']);
    expect(next.retention_days).toEqual({});
    expect(changed).toEqual({ allowedModels: true, quotas: false, guards: false, retentionDays: true });
  });

  test('an update repeating the current values changes nothing', () => {
    const { next, changed } = applySettingsUpdate(current, {
      allowed_models: ['mistral:7b'],
      quotas: { requests_per_minute: 600 },
      guards: { injection: 'block' },
      retention_days: { 'auth.sessions': 20 },
    });
    expect(next).toEqual(current);
    expect(changed).toEqual({ allowedModels: false, quotas: false, guards: false, retentionDays: false });
  });

  test('does not alter the current values', () => {
    const before = structuredClone(current);
    applySettingsUpdate(current, { allowed_models: [], quotas: { requests_per_minute: 1 }, retention_days: { 'auth.sessions': 1 } });
    expect(current).toEqual(before);
  });
});

test('a new tenant may call no model until its admin allows one, and injections are refused', () => {
  expect(DEFAULT_TENANT_SETTINGS.allowed_models).toEqual([]);
  expect(DEFAULT_TENANT_SETTINGS.guards.injection).toBe('block');
});
