// The bounds of GraphQL documents against arbitrary documents: the size rule counts what the
// document would expand to (every spread of every fragment, aliases included) and its depth, as a
// naive expansion does, for any limits; the token limit and introspection refusal on their own.
import fc from 'fast-check';
import { getIntrospectionQuery, parse, type GraphQLError } from 'graphql';
import { formatGraphqlError } from './graphql-errors.js';
import { GRAPHQL_LIMITS, boundsRefusals, introspectionRefusals, parseBounded, rootFieldRefusals, sizeRefusals } from './graphql-limits.js';

type Selection = { kind: 'field'; alias: boolean; children: Selection[] } | { kind: 'inline'; children: Selection[] } | { kind: 'spread'; pick: number };

interface GeneratedDocument {
  operation: Selection[];
  /** Fragment i may spread only fragments after it: no cycles. */
  fragments: Selection[][];
}

const selections = fc.letrec((tie) => ({
  selection: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    fc.record({ kind: fc.constant('field' as const), alias: fc.boolean(), children: fc.constant([] as Selection[]) }),
    fc.record({ kind: fc.constant('field' as const), alias: fc.boolean(), children: tie('children') as fc.Arbitrary<Selection[]> }),
    fc.record({ kind: fc.constant('inline' as const), children: tie('children') as fc.Arbitrary<Selection[]> }),
    fc.record({ kind: fc.constant('spread' as const), pick: fc.nat() }),
  ),
  children: fc.array(tie('selection'), { minLength: 1, maxLength: 3 }),
})).children as fc.Arbitrary<Selection[]>;

const documents: fc.Arbitrary<GeneratedDocument> = fc.record({ operation: selections, fragments: fc.array(selections, { maxLength: 5 }) });

/** The fragment a spread inside fragment `from` (-1: the operation) names, if any may be named. */
function targetOf(pick: number, from: number, count: number): number | undefined {
  const first = from + 1;
  return first < count ? first + (pick % (count - first)) : undefined;
}

function print(document: GeneratedDocument): string {
  let alias = 0;
  const printAll = (items: Selection[], from: number): string =>
    items
      .map((item) => {
        if (item.kind === 'field') return `${item.alias ? `x${alias++}: ` : ''}f${item.children.length > 0 ? ` { ${printAll(item.children, from)} }` : ''}`;
        if (item.kind === 'inline') return `... on T { ${printAll(item.children, from)} }`;
        const target = targetOf(item.pick, from, document.fragments.length);
        return target === undefined ? 'leaf' : `...F${target}`;
      })
      .join(' ');
  const fragments = document.fragments.map((body, index) => `fragment F${index} on T { ${printAll(body, index)} }`);
  return [`{ ${printAll(document.operation, -1)} }`, ...fragments].join('\n');
}

/** The reference: expand every spread, then count fields and levels. */
function expandedSize(document: GeneratedDocument): { selections: number; depth: number } {
  const measure = (items: Selection[], from: number): { selections: number; depth: number } => {
    let selections = 0;
    let depth = 0;
    for (const item of items) {
      let size: { selections: number; depth: number };
      if (item.kind === 'field') {
        const inner = measure(item.children, from);
        size = { selections: 1 + inner.selections, depth: 1 + inner.depth };
      } else if (item.kind === 'inline') {
        size = measure(item.children, from);
      } else {
        const target = targetOf(item.pick, from, document.fragments.length);
        size = target === undefined ? { selections: 1, depth: 1 } : measure(document.fragments[target]!, target);
      }
      selections += size.selections;
      depth = Math.max(depth, size.depth);
    }
    return { selections, depth };
  };
  return measure(document.operation, -1);
}

const reasonsOf = (errors: readonly GraphQLError[]) => errors.map((error) => error.extensions.reason).sort();

test('the size rule refuses exactly what is written, or expands, past either limit', () => {
  fc.assert(
    fc.property(documents, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 10 }), (document, maxSelections, maxDepth) => {
      const size = expandedSize(document);
      // Fields as written (fragments never spread included) are bounded first, and alone.
      const written = (print(document).match(/\b(?:f|leaf)\b/g) ?? []).length;
      const expected =
        written > maxSelections
          ? ['too_many_selections']
          : [...(size.selections > maxSelections ? ['too_many_selections'] : []), ...(size.depth > maxDepth ? ['too_deep'] : [])].sort();
      return JSON.stringify(reasonsOf(sizeRefusals(parse(print(document)), maxSelections, maxDepth))) === JSON.stringify(expected);
    }),
    { numRuns: 1_000 },
  );
});

test('fragments spread twice per level, 30 levels deep, count 2^30 selections and are measured in linear time', () => {
  const fragments = Array.from({ length: 30 }, (_, i) => (i === 29 ? 'fragment F29 on T { f }' : `fragment F${i} on T { ...F${i + 1} ...F${i + 1} }`));
  const document = parse(`{ ...F0 }\n${fragments.join('\n')}`);
  expect(reasonsOf(sizeRefusals(document, GRAPHQL_LIMITS.selections, GRAPHQL_LIMITS.depth))).toEqual(['too_many_selections']);
});

test('a fragment cycle is left to graphql-js (NoFragmentCyclesRule) rather than looping', () => {
  const document = parse('{ ...A } fragment A on T { f ...B } fragment B on T { g ...A }');
  expect(sizeRefusals(document, 10, 10)).toEqual([]);
});

test('the standard introspection query fits the limits', () => {
  const document = parseBounded(getIntrospectionQuery());
  expect(boundsRefusals(document)).toEqual([]);
});

describe('the token limit', () => {
  test('a document of n tokens parses when n is within the limit and is refused as too_many_tokens beyond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 3, max: 300 }), (fields, limit) => {
        const source = `{ ${'b '.repeat(fields)}}`;
        const tokens = fields + 2;
        try {
          parseBounded(source, limit);
          return tokens <= limit;
        } catch (error) {
          return tokens > limit && (error as GraphQLError).extensions.reason === 'too_many_tokens';
        }
      }),
    );
  });

  test("other syntax errors are not taken for it (which also pins graphql-js's message)", () => {
    expect(() => parseBounded('{ b ')).toThrow(expect.objectContaining({ extensions: {} }));
    expect(() => parseBounded(`{ ${'b '.repeat(GRAPHQL_LIMITS.tokens)}}`)).toThrow(expect.objectContaining({ extensions: { reason: 'too_many_tokens' } }));
  });
});

test('introspection fields are refused anywhere in a document, __typename is not', () => {
  const refused = (source: string) => reasonsOf(introspectionRefusals(parse(source)));
  expect(refused('{ __schema { queryType { name } } }')).toEqual(['introspection_disabled']);
  expect(refused('{ __type(name: "Query") { name } }')).toEqual(['introspection_disabled']);
  expect(refused('{ ...F } fragment F on Query { a: __schema { types { name } } b: __schema { types { name } } }')).toEqual(['introspection_disabled']);
  expect(refused('{ __typename b }')).toEqual([]);
});

test('an operation may not select more root fields than the limit, aliases and fragments included', () => {
  const refused = (source: string) => rootFieldRefusals(parse(source), 3);
  expect(refused('{ x: b y: b z: b }')).toEqual([]);
  const aliased = refused('{ w: b x: b y: b z: b }');
  expect(aliased.map((error) => formatGraphqlError(error).extensions)).toEqual([{ code: 'VALIDATION_FAILED', reason: 'too_many_root_fields' }]);
  const fragments = refused('{ ...F ... on Query { y: b z: b } } fragment F on Query { w: b x: b }');
  expect(fragments).toHaveLength(1);
});

describe('what graphql-js would still validate at length', () => {
  test('fields of a fragment never spread count towards the document’s selections', () => {
    const aliased = (count: number) => Array.from({ length: count }, (_, i) => `m${i}: me { id }`).join(' ');
    expect(reasonsOf(boundsRefusals(parse(`{ __typename } fragment U on Query { ${aliased(151)} }`)))).toEqual(['too_many_selections']);
    expect(boundsRefusals(parse(`{ __typename } fragment U on Query { ${aliased(149)} }`))).toEqual([]);
  });

  test('of two fragments of one name, the one measured is the one graphql-js reads (the last)', () => {
    const document = parse(`{ ...F } fragment F on Query { a } fragment F on Query { ${Array.from({ length: 11 }, (_, i) => `a${i}: a`).join(' ')} }`);
    expect(reasonsOf(boundsRefusals(document))).toEqual(['too_many_root_fields']);
  });

  test('one response name selected more than 10 times in one selection set is refused, through inline fragments and spreads, in unused fragments too', () => {
    const repeated = (times: number) => `{ users { ${'users { id } '.repeat(times)} } }`;
    expect(boundsRefusals(parse(repeated(GRAPHQL_LIMITS.sameNameFields)))).toEqual([]);
    expect(reasonsOf(boundsRefusals(parse(repeated(GRAPHQL_LIMITS.sameNameFields + 1))))).toEqual(['repeated_selection']);
    expect(reasonsOf(boundsRefusals(parse(`{ users { ${'... on UserList { users { id } } '.repeat(11)} } }`)))).toEqual(['repeated_selection']);
    const spreads = Array.from({ length: 11 }, (_, i) => `...F${i}`).join(' ');
    const fragments = Array.from({ length: 11 }, (_, i) => `fragment F${i} on UserList { users { id } }`).join(' ');
    expect(reasonsOf(boundsRefusals(parse(`{ users { ${spreads} } } ${fragments}`)))).toEqual(['repeated_selection']);
    expect(reasonsOf(boundsRefusals(parse(`{ __typename } fragment U on UserList { ${'users { id } '.repeat(11)} }`)))).toEqual(['repeated_selection']);
    // Aliases make names distinct: nothing to compare.
    expect(boundsRefusals(parse(`{ users { ${Array.from({ length: 100 }, (_, i) => `a${i}: users { id }`).join(' ')} } }`))).toEqual([]);
  });

  test('a fragment cycle does not loop the repeated-name count', () => {
    expect(boundsRefusals(parse('{ ...A } fragment A on Query { a ...B } fragment B on Query { a ...A }'))).toEqual([]);
  });
});
