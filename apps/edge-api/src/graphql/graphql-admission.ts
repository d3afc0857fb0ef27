// Whether a GraphQL document may run, decided before anything of it runs and cheapest check
// first: the parser's token limit, the document's bounds (size, depth, root fields), introspection
// (only for authenticated callers, and never in production), then graphql-js's own rules.
import { GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { boundsRefusals, introspectionRefusals, parseBounded } from './graphql-limits.js';

/** Asked only when the document introspects: whether this caller may. */
export type IntrospectionPolicy = () => Promise<boolean>;

function parseRefusing(query: string): DocumentNode | GraphQLError {
  try {
    return parseBounded(query);
  } catch (error) {
    // Anything but graphql-js's syntax errors (a stack overflow, say) is refused in the same words.
    return error instanceof GraphQLError ? error : new GraphQLError('the document cannot be parsed');
  }
}

/** The parsed document, or the errors that refuse it. */
export async function admitDocument(schema: GraphQLSchema, query: string, mayIntrospect: IntrospectionPolicy): Promise<DocumentNode | readonly GraphQLError[]> {
  const document = parseRefusing(query);
  if (document instanceof GraphQLError) return [document];
  const oversized = boundsRefusals(document);
  if (oversized.length > 0) return oversized;
  const introspects = introspectionRefusals(document);
  if (introspects.length > 0 && !(await mayIntrospect())) return introspects;
  const invalid = validate(schema, document, specifiedRules);
  return invalid.length > 0 ? invalid : document;
}
