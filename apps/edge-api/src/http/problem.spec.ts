import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { mapHttpError } from './http-error.mapper.js';
import { ProblemSchema } from '../openapi/openapi-document.js';
import { problemOf, statusOf } from './problem.js';

test('every error code maps to an HTTP status', () => {
  const statuses = Object.values(ErrorCode).map((code) => statusOf(code));
  expect(statuses.every((status) => status >= 400 && status < 600)).toBe(true);
  expect(statusOf(ErrorCode.Unavailable)).toBe(503);
  expect(statusOf(ErrorCode.Timeout)).toBe(504);
});

test('a problem document names its type after the code and carries the request id', () => {
  expect(problemOf({ code: ErrorCode.ValidationFailed, title: 'The request is not valid', requestId: 'r-1', errors: [{ path: 'body.email', reason: 'invalid_format' }] })).toEqual({
    type: '/problems/validation-failed',
    title: 'The request is not valid',
    status: 400,
    code: 'VALIDATION_FAILED',
    request_id: 'r-1',
    errors: [{ path: 'body.email', reason: 'invalid_format' }],
  });
});

test('framework and parser errors map to codes; their messages are not reused', () => {
  expect(mapHttpError(new NotFoundException('Cannot GET /jean@exemple.fr'))).toEqual({ code: ErrorCode.NotFound, title: 'Not found', status: 404 });
  expect(mapHttpError(new BadRequestException('x'))).toMatchObject({ code: ErrorCode.ValidationFailed });
  expect(mapHttpError(Object.assign(new Error('Body is too large'), { statusCode: 413 }))).toMatchObject({ code: ErrorCode.PayloadTooLarge });
  expect(mapHttpError(new Error('anything'))).toEqual({ code: ErrorCode.Internal, title: 'Internal error', status: 500 });
  expect(mapHttpError(new GardienError(ErrorCode.Forbidden, 'own message'))).toEqual({ code: ErrorCode.Forbidden, title: 'This action is not allowed', status: 403 });
});

test('problem documents match the schema the OpenAPI document gives for them', () => {
  for (const code of Object.values(ErrorCode)) {
    expect(ProblemSchema.safeParse(problemOf({ code, title: 'title', requestId: 'r-2' })).success).toBe(true);
  }
  expect(ProblemSchema.safeParse(problemOf({ code: ErrorCode.ValidationFailed, title: 't', requestId: 'r-3', errors: [{ path: 'body', reason: 'unrecognized_keys' }] })).success).toBe(true);
});

test('MFA_REQUIRED is a 401 of its own problem type', () => {
  expect(problemOf({ code: ErrorCode.MfaRequired, title: 'A one-time code (TOTP) is required', requestId: 'r-4' })).toMatchObject({
    type: '/problems/mfa-required',
    status: 401,
    code: 'MFA_REQUIRED',
  });
});

test('a domain reason names the problem type and travels in the document', () => {
  const problem = problemOf({ code: ErrorCode.RateLimited, title: 'Too many requests', requestId: 'r-5', reason: 'too_many_attempts' });
  expect(problem).toMatchObject({ type: '/problems/too-many-attempts', status: 429, code: 'RATE_LIMITED', reason: 'too_many_attempts' });
  expect(ProblemSchema.safeParse(problem).success).toBe(true);
});
