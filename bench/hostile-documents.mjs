// The hostile documents of the security review, as a client sends them to the edge: GraphQL
// documents built to hold the event loop (the 247 KB alias bomb under `__schema`, and its variants
// that fit under the /graphql body limit: nested selections, many root fields, fragments that
// expand exponentially, a fragment never spread, one field repeated under one name) and JSON nested a million levels deep, POSTed to JSON endpoints.
// Each is anonymous and must be refused with a 4xx, quickly, without reaching a service.

/** `count` aliased selections of every type's name and fields under `__schema` (8,000: 247 KB). */
export function aliasBomb(count) {
  const aliases = Array.from({ length: count }, (_, i) => `a${i}:types{name fields{name}}`).join(' ');
  return `{__schema{${aliases}}}`;
}

/** `levels` selections inside one another under `__schema`. */
function nestedSelections(levels) {
  return `{__schema{types{fields{type${'{ofType'.repeat(levels)}{name}${'}'.repeat(levels)}}}}}`;
}

/** `count` aliased root fields. */
function manyRootFields(count) {
  return `{${Array.from({ length: count }, (_, i) => `r${i}:__typename`).join(' ')}}`;
}

/** `levels` fragments, each spreading the next twice: 2^levels selections from a few hundred bytes. */
function fragmentBomb(levels) {
  const fragments = Array.from({ length: levels }, (_, i) =>
    i === levels - 1 ? `fragment F${i} on __Type{name}` : `fragment F${i} on __Type{...F${i + 1} ...F${i + 1}}`,
  ).join(' ');
  return `{__schema{types{...F0}}} ${fragments}`;
}

/** A fragment never spread, of `count` selections graphql-js would still compare pairwise (a second review's find). */
function unusedFragment(count) {
  return `{__typename} fragment U on Query{${'me{id} '.repeat(count)}}`;
}

/** One response name selected `count` times in one selection set, within the other bounds. */
function repeatedSelection(count) {
  return `{users{${'users{id} '.repeat(count)}}}`;
}

const graphql = (/** @type {string} */ query) => JSON.stringify({ query });

/**
 * @typedef {object} HostileDocument
 * @property {string} name
 * @property {'graphql' | 'json'} family
 * @property {string} path
 * @property {Buffer} body
 * @property {number} expect  the refusal's status
 */

/** @returns {HostileDocument[]} */
export function hostileDocuments() {
  /** @type {(name: string, family: 'graphql' | 'json', path: string, body: string, expect: number) => HostileDocument} */
  const doc = (name, family, path, body, expect) => ({ name, family, path, body: Buffer.from(body), expect });
  const deepJson = '['.repeat(1_000_000);
  return [
    doc('gql alias bomb 8,000 (247 KB)', 'graphql', '/graphql', graphql(aliasBomb(8_000)), 413),
    doc('gql alias bomb 1,500 (<64 KB)', 'graphql', '/graphql', graphql(aliasBomb(1_500)), 400),
    doc('gql alias bomb 100', 'graphql', '/graphql', graphql(aliasBomb(100)), 400),
    doc('gql nested 7,000 levels', 'graphql', '/graphql', graphql(nestedSelections(7_000)), 400),
    doc('gql nested 600 levels', 'graphql', '/graphql', graphql(nestedSelections(600)), 400),
    doc('gql 600 root fields', 'graphql', '/graphql', graphql(manyRootFields(600)), 400),
    doc('gql fragment bomb 2^20', 'graphql', '/graphql', graphql(fragmentBomb(20)), 400),
    doc('gql unused fragment, 497 fields', 'graphql', '/graphql', graphql(unusedFragment(497)), 400),
    doc('gql one name 145 times', 'graphql', '/graphql', graphql(repeatedSelection(145)), 400),
    doc('json [ x1e6 /auth/login', 'json', '/api/v1/auth/login', deepJson, 400),
    doc('json [ x1e6 /graphql', 'json', '/graphql', deepJson, 413),
    doc('json [ x60,000 /graphql', 'json', '/graphql', '['.repeat(60_000), 400),
    doc('json {"a": x1e5 /auth/login', 'json', '/api/v1/auth/login', '{"a":'.repeat(100_000), 400),
  ];
}

/** GraphQL and JSON documents alternating, the GraphQL bomb first: the order a hostile client sends them in. */
export function alternating(/** @type {HostileDocument[]} */ documents) {
  const gql = documents.filter((d) => d.family === 'graphql');
  const json = documents.filter((d) => d.family === 'json');
  const rounds = Math.max(gql.length, json.length);
  return Array.from({ length: rounds }, (_, i) => [gql[i % gql.length], json[i % json.length]])
    .flat()
    .filter((d) => d !== undefined);
}
