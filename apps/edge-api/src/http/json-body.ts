// The edge's one body parser: application/json in UTF-8, nothing else (no forms, no text/plain).
// Before anything reaches a route, and whatever the route: bytes that are not UTF-8 are refused
// (a lenient decoder would store U+FFFD in their place), nesting is bounded before parsing starts
// (a pre-scan, so a million `[` costs no parse), prototype poisoning is refused (Fastify's own
// parser), and so is any string or key holding a NUL or a lone surrogate, which no store keeps as given.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { detailPath, fieldNamesOf, findUnsafeText, type GardienError } from '@gardien/contracts';
import { EdgeReason, edgeError } from '../edge.errors.js';
import { HttpRefusal } from './http-refusal.js';
import type { Operation } from '../operations/operation.js';
import { nestsDeeperThan } from './json-nesting.js';

/** Arrays and objects inside one another: far more than any body of the API needs (GraphQL variables, 3). */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The fields of a GraphQL request over HTTP (graphql-over-http), beside those of the operations. */
const GRAPHQL_REQUEST_FIELDS = ['query', 'variables', 'operationName', 'extensions'];

/**
 * The keys a refusal of the body may name: the input fields of the operations and of a GraphQL
 * request. This parser runs before any route's schema, and any other key is the caller's own.
 */
export function bodyFieldNamesOf(operations: readonly Operation[]): ReadonlySet<string> {
  return new Set([...GRAPHQL_REQUEST_FIELDS, ...operations.flatMap((operation) => [...fieldNamesOf(operation.input)])]);
}

/** The refusal's reason, and the place in the body with the detail's own reason (`contains_nul` for unsafe text, say). */
function invalidBody(reason: EdgeReason, fieldNames: ReadonlySet<string>, detailReason: string = reason, path: readonly PropertyKey[] = []): GardienError {
  return edgeError(reason, { details: [{ path: detailPath('body', path, fieldNames), reason: detailReason }] });
}

/** A charset parameter other than UTF-8 (RFC 8259 §8.1: JSON exchanged between systems is UTF-8). */
function declaresOtherCharset(contentType: string | undefined): boolean {
  const charset = contentType
    ?.split(';')
    .slice(1)
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='));
  if (charset === undefined) return false;
  const value = charset.slice('charset='.length).replaceAll('"', '');
  return value !== 'utf-8' && value !== 'utf8';
}

type Done = (error: Error | null, body?: unknown) => void;

/** Replaces Fastify's parsers (JSON and text/plain) with this one; any other media type is a 415. */
export function registerJsonBody(fastify: FastifyInstance, fieldNames: ReadonlySet<string>): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done: Done) => {
    if (declaresOtherCharset(request.headers['content-type'])) return done(new HttpRefusal('unsupportedMediaType'));
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) return done(invalidBody(EdgeReason.TooDeep, fieldNames));
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(invalidBody(EdgeReason.InvalidUtf8, fieldNames));
    }
    void parseJson(request, text, (error, value) => {
      if (error) return done(invalidBody(EdgeReason.InvalidJson, fieldNames));
      const unsafe = findUnsafeText(value);
      if (unsafe) return done(invalidBody(EdgeReason.UnsafeText, fieldNames, unsafe.reason, unsafe.path));
      done(null, value);
    });
  });
}
