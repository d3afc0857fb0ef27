// Bounds on a GraphQL document, checked before any other validation and before anything runs:
// a token limit in the parser, then the number of field selections at every depth (aliases
// included, fragments expanded wherever they are spread), the depth, and the root fields (each
// one bus call). Without them one anonymous document of aliases under `__schema` held the event
// loop for seconds; with them the work of a document is bounded by its size, fragment reuse included.
// Each is a plain walk of the syntax tree, without the schema: graphql-js's validate() would keep
// type information at every node, which cost several times the parse for the documents refused here.
import { BREAK, GraphQLError, Kind, parse, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
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
  /**
   * Fields of one response name in one selection set (inline fragments and spreads at that level
   * included): graphql-js compares each pair of them to check that they merge, so 145 `users { id }`
   * under one `users` cost it half a second; a real document repeats a name a few times at most.
   */
  sameNameFields: 10,
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

/** The fragments of a document, by name (the last of a name, as graphql-js reads them; it refuses duplicates afterwards). */
function fragmentsOf(document: DocumentNode): (name: string) => FragmentDefinitionNode | undefined {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) byName.set(definition.name.value, definition);
  }
  return (name) => byName.get(name);
}

function operationsOf(document: DocumentNode): OperationDefinitionNode[] {
  return document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}

/**
 * Refusals of operations over `maxSelections` field selections or `maxDepth` levels, and of a
 * document holding more than `maxSelections` fields as written, fragments never spread included
 * (graphql-js validates those too).
 */
export function sizeRefusals(document: DocumentNode, maxSelections: number, maxDepth: number): GraphQLError[] {
  let written = 0;
  visit(document, {
    Field() {
      written += 1;
      return written > maxSelections ? BREAK : undefined;
    },
  });
  if (written > maxSelections) return [refusal(EdgeReason.TooManySelections)];
  const meter = new SizeMeter(fragmentsOf(document));
  return operationsOf(document).flatMap((operation) => {
    const size = meter.of(operation.selectionSet);
    return [
      ...(size.selections > maxSelections ? [refusal(EdgeReason.TooManySelections, [operation])] : []),
      ...(size.depth > maxDepth ? [refusal(EdgeReason.TooDeep, [operation])] : []),
    ];
  });
}

/** Refusals of operations with more than `limit` root fields, aliases and fragments included. */
export function rootFieldRefusals(document: DocumentNode, limit: number): GraphQLError[] {
  const fragmentNamed = fragmentsOf(document);
  return operationsOf(document)
    .filter((operation) => {
      const counts = namesAtLevel(operation.selectionSet, fragmentNamed);
      return [...counts.values()].reduce((total, count) => total + count, 0) > limit;
    })
    .map((operation) => refusal(EdgeReason.TooManyRootFields, [operation]));
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** A refusal if `__schema` or `__type` appears anywhere in the document (`__typename` is not introspection of the schema). */
export function introspectionRefusals(document: DocumentNode): GraphQLError[] {
  const found: GraphQLError[] = [];
  visit(document, {
    Field(node) {
      if (!INTROSPECTION_FIELDS.has(node.name.value)) return undefined;
      found.push(refusal(EdgeReason.IntrospectionDisabled, [node]));
      return BREAK;
    },
  });
  return found;
}

/**
 * How many fields of each response name a selection set selects at its own level: through inline
 * fragments and spreads (each fragment once), not inside the fields' own selections.
 */
function namesAtLevel(selectionSet: SelectionSetNode, fragmentNamed: (name: string) => FragmentDefinitionNode | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  const spread = new Set<string>();
  const add = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.alias?.value ?? selection.name.value;
        counts.set(name, (counts.get(name) ?? 0) + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragmentNamed(selection.name.value);
        if (fragment) add(fragment.selectionSet);
      }
    }
  };
  add(selectionSet);
  return counts;
}

/**
 * Refusals of selection sets, anywhere in the document (fragments never spread included), where
 * one response name is selected more than `limit` times. Run after sizeRefusals, which bounds the
 * number of selection sets walked here.
 */
export function repeatedSelectionRefusals(document: DocumentNode, limit: number): GraphQLError[] {
  const fragmentNamed = fragmentsOf(document);
  let refused: GraphQLError | undefined;
  const check = (selectionSet: SelectionSetNode): void => {
    if (refused) return;
    if ([...namesAtLevel(selectionSet, fragmentNamed).values()].some((count) => count > limit)) {
      refused = refusal(EdgeReason.RepeatedSelection);
      return;
    }
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD && selection.selectionSet) check(selection.selectionSet);
      else if (selection.kind === Kind.INLINE_FRAGMENT) check(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) check(definition.selectionSet);
  }
  return refused ? [refused] : [];
}

/** The bounds of a document, in the order they are checked: before graphql-js's own rules. */
export function boundsRefusals(document: DocumentNode): GraphQLError[] {
  const size = [...sizeRefusals(document, GRAPHQL_LIMITS.selections, GRAPHQL_LIMITS.depth), ...rootFieldRefusals(document, GRAPHQL_LIMITS.rootFields)];
  return size.length > 0 ? size : repeatedSelectionRefusals(document, GRAPHQL_LIMITS.sameNameFields);
}
