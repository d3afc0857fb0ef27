import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { mapHttpError } from './http-error.mapper.js';
import { problemOf, statusOf } from './problem.js';

test('every error code maps to an HTTP status', () => {
  const statuses = Object.values(ErrorCode).map((code) => statusOf(code));
  expect(statuses.every((status) => status >= 400 && status < 600)).toBe(true);
  expect(statusOf(ErrorCode.Unavailable)).toBe(503);
  expect(statusOf(ErrorCode.Timeout)).toBe(504);
});

test('a problem document names its type after the code and carries the request id', () => {
  expect(problemOf(ErrorCode.ValidationFailed, 'The request is not valid', 'r-1', [{ path: 'body.email', reason: 'invalid_format' }])).toEqual({
    type: '/problems/validation-failed',
    title: 'The request is not valid',
    status: 400,
    code: 'VALIDATION_FAILED',
    request_id: 'r-1',
    errors: [{ path: 'body.email', reason: 'invalid_format' }],
  });
});

test('framework and parser errors map to codes; their messages are not reused', () => {
  expect(mapHttpError(new NotFoundException('Cannot GET /jean@exemple.fr'))).toEqual({ code: ErrorCode.NotFound, title: 'Not found' });
  expect(mapHttpError(new BadRequestException('x'))).toMatchObject({ code: ErrorCode.ValidationFailed });
  expect(mapHttpError(Object.assign(new Error('Body is too large'), { statusCode: 413 }))).toMatchObject({ code: ErrorCode.PayloadTooLarge });
  expect(mapHttpError(new Error('anything'))).toEqual({ code: ErrorCode.Internal, title: 'Internal error' });
  expect(mapHttpError(new GardienError(ErrorCode.Forbidden, 'own message'))).toEqual({ code: ErrorCode.Forbidden, title: 'This action is not allowed' });
});
