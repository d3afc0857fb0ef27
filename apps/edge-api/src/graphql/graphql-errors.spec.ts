// GraphQL errors carry a code and our own words: never graphql-js's messages, which quote the request.
import { GraphQLError, buildSchema, parse, validate } from 'graphql';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { INVALID_GRAPHQL_REQUEST, formatGraphqlError } from './graphql-errors.js';

const schema = buildSchema('type Query { a(email: String): Int b: Int }');

test('a GardienError from a resolver keeps its code, details and path, with our title', () => {
  const original = new GardienError(ErrorCode.ValidationFailed, 'the request is not valid', [{ path: 'args.email', reason: 'invalid_format' }]);
  const formatted = formatGraphqlError(new GraphQLError(original.message, { path: ['a'], originalError: original }));
  expect(formatted.toJSON()).toEqual({
    message: 'The request is not valid',
    path: ['a'],
    extensions: { code: 'VALIDATION_FAILED', errors: [{ path: 'args.email', reason: 'invalid_format' }] },
  });
  const mfa = formatGraphqlError(new GraphQLError('x', { originalError: new GardienError(ErrorCode.MfaRequired, 'totp needed') }));
  expect(mfa.extensions).toEqual({ code: 'MFA_REQUIRED' });
});

test('an unexpected failure is INTERNAL and says nothing of itself', () => {
  const formatted = formatGraphqlError(new GraphQLError('boom', { path: ['a'], originalError: new Error('leak jean@exemple.fr at x.ts:12') }));
  expect(formatted.toJSON()).toEqual({ message: 'Internal error', path: ['a'], extensions: { code: 'INTERNAL' } });
});

test('syntax and validation errors do not echo the request', () => {
  const document = parse('{ a(email: 42) jean_dupont }');
  const errors = validate(schema, document);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.map((error) => error.message).join(' ')).toMatch(/jean_dupont|42/);
  for (const error of errors) {
    const formatted = formatGraphqlError(error).toJSON();
    expect(formatted.message).toBe(INVALID_GRAPHQL_REQUEST);
    expect(formatted.extensions).toEqual({ code: 'VALIDATION_FAILED' });
    expect(formatted.locations?.length).toBeGreaterThan(0);
    expect(JSON.stringify(formatted)).not.toMatch(/jean_dupont|42/);
  }
  expect(formatGraphqlError(new Error('Unparsable JSON body')).toJSON()).toEqual({
    message: INVALID_GRAPHQL_REQUEST,
    extensions: { code: 'VALIDATION_FAILED' },
  });
});
