// Bounds on a GraphQL document, checked before any other validation and before anything runs:
// a token limit in the parser, then the number of field selections at every depth (aliases
// included, fragments expanded wherever they are spread), the depth, and the root fields (each
// one bus call). Without them one anonymous document of aliases under `__schema` held the event
// loop for seconds; with them the work of a document is bounded by its size, fragment reuse included.
import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { EDGE_ERRORS, EdgeReason } from '../edge.errors.js';

export const GRAPHQL_LIMITS = {
  /** Lexical tokens of a document (graphql-js `maxLexicalTokens`); the standard introspection query has 184. */
  tokens: 2_000,
  /** Field selections, fragments expanded; the standard introspection query has 230. */
  selections: 300,
  /** Fields inside one another; the standard introspection query needs 15. */
  depth: 15,
  /** Root fields, each a bus call: aliases would otherwise carry any number past the per-request rate limit. */
  rootFields: 10,
} as const;

/** A refusal of the document: its reason travels in `extensions.reason` (graphql-errors.ts keeps it, and only it). */
function refusal(reason: EdgeReason, nodes?: GraphQLError['nodes']): GraphQLError {
  return new GraphQLError(EDGE_ERRORS.messageOf(reason), { ...(nodes ? { nodes } : {}), extensions: { reason } });
}

/**
 * graphql-js's parse with a token limit. Its refusal is a syntax error like any other, told apart
 * by its message (a unit test holds this to the installed graphql-js) to give it its own reason.
 */
export function parseBounded(source: string, maxTokens: number = GRAPHQL_LIMITS.tokens): DocumentNode {
  try {
    return parse(source, { maxLexicalTokens: maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError && /\btokens\b/.test(error.message)) {
      throw refusal(EdgeReason.TooManyTokens);
    }
    throw error;
  }
}

export interface DocumentSize {
  /** Field selections, each fragment counted every time it is spread. */
  selections: number;
  depth: number;
}

const EMPTY: DocumentSize = { selections: 0, depth: 0 };

/**
 * Measures selection sets with each fragment measured once (so a document whose fragments expand
 * exponentially costs time linear in its size, and counts what it would expand to). A fragment
 * cycle measures as nothing here: NoFragmentCyclesRule refuses it afterwards.
 */
class SizeMeter {
  private readonly fragments = new Map<string, DocumentSize>();
  private readonly measuring = new Set<string>();

  constructor(private readonly fragmentNamed: (name: string) => FragmentDefinitionNode | null | undefined) {}

  of(selectionSet: SelectionSetNode): DocumentSize {
    let selections = 0;
    let depth = 0;
    for (const selection of selectionSet.selections) {
      let size: DocumentSize;
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? this.of(selection.selectionSet) : EMPTY;
        size = { selections: 1 + inner.selections, depth: 1 + inner.depth };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        size = this.of(selection.selectionSet);
      } else {
        size = this.fragment(selection.name.value);
      }
      selections += size.selections;
      depth = Math.max(depth, size.depth);
    }
    return { selections, depth };
  }

  private fragment(name: string): DocumentSize {
    const known = this.fragments.get(name);
    if (known) return known;
    const fragment = this.fragmentNamed(name);
    if (!fragment || this.measuring.has(name)) return EMPTY;
    this.measuring.add(name);
    const size = this.of(fragment.selectionSet);
    this.measuring.delete(name);
    this.fragments.set(name, size);
    return size;
  }
}

/** At most `maxSelections` field selections and `maxDepth` levels per operation. */
export function boundedSize(maxSelections: number, maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    const meter = new SizeMeter((name) => context.getFragment(name));
    return {
      OperationDefinition(node) {
        const size = meter.of(node.selectionSet);
        if (size.selections > maxSelections) context.reportError(refusal(EdgeReason.TooManySelections, [node]));
        if (size.depth > maxDepth) context.reportError(refusal(EdgeReason.TooDeep, [node]));
      },
    };
  };
}

function rootFieldCount(selectionSet: SelectionSetNode, context: ValidationContext, seen: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      count += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootFieldCount(selection.selectionSet, context, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) count += rootFieldCount(fragment.selectionSet, context, seen);
    }
  }
  return count;
}

/** At most `limit` fields at the root of an operation, aliases and fragments included. */
export function maxRootFields(limit: number): ValidationRule {
  return (context) => ({
    OperationDefinition(node) {
      if (rootFieldCount(node.selectionSet, context, new Set()) > limit) {
        context.reportError(refusal(EdgeReason.TooManyRootFields, [node]));
      }
    },
  });
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** No `__schema` or `__type` anywhere in the document (`__typename` is not introspection of the schema). */
export const noIntrospection: ValidationRule = (context) => {
  let reported = false;
  return {
    Field(node) {
      if (reported || !INTROSPECTION_FIELDS.has(node.name.value)) return;
      reported = true;
      context.reportError(refusal(EdgeReason.IntrospectionDisabled, [node]));
    },
  };
};

/** The bounds of a document, in the order they are checked: before graphql-js's own rules. */
export const DOCUMENT_BOUNDS: readonly ValidationRule[] = [
  boundedSize(GRAPHQL_LIMITS.selections, GRAPHQL_LIMITS.depth),
  maxRootFields(GRAPHQL_LIMITS.rootFields),
];
