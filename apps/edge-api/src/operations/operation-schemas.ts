// The contract schemas as JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it), under stable names:
// request bodies as the caller writes them (`io: 'input'`), replies as services send them
// (`io: 'output'`). OpenAPI components and GraphQL types are both generated from these.
import { z } from 'zod';
import {
  AllowedModels,
  ApiKey,
  AuditEntryPage,
  AuditPublicKeys,
  ChatRole,
  ConsistencyProof,
  FinishReason,
  LlmChatReply,
  LlmEmbeddingsReply,
  LlmFlags,
  LlmModel,
  LlmModelList,
  LlmModelsOverview,
  CatalogueModelView,
  RetrievedChunk,
  LlmUsage,
  LlmUsageReport,
  LlmUsageRow,
  ModelCapability,
  InclusionProof,
  LogEntry,
  TreeHead,
  TreeHeadList,
  ApiKeyList,
  CreatedApiKey,
  CreatedUser,
  LegalBasis,
  Me,
  MfaEnrolment,
  Purpose,
  PurposeList,
  Quotas,
  Role,
  Tenant,
  TenantList,
  TenantRole,
  TenantSettings,
  TenantStatus,
  TokenPair,
  User,
  UserList,
  CollectionDescription,
  CollectionList,
  DocumentAccepted,
  DocumentClassification,
  DocumentState,
  DocumentStatus,
  SearchReply,
  SearchResult,
} from '@gardien/contracts';
import { isEmptyObject, type Operation } from './operation.js';

/** The subset of JSON Schema that zod emits for the contracts. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  [keyword: string]: unknown;
}

export const COMPONENT_PREFIX = '#/components/schemas/';

/** Replies and the named types inside them. */
const OUTPUT_SCHEMAS: ReadonlyArray<readonly [string, z.ZodType]> = [
  ['TokenPair', TokenPair],
  ['Me', Me],
  ['MfaEnrolment', MfaEnrolment],
  ['User', User],
  ['CreatedUser', CreatedUser],
  ['UserList', UserList],
  ['ApiKey', ApiKey],
  ['CreatedApiKey', CreatedApiKey],
  ['ApiKeyList', ApiKeyList],
  ['Tenant', Tenant],
  ['TenantList', TenantList],
  ['TenantSettings', TenantSettings],
  ['Quotas', Quotas],
  ['Purpose', Purpose],
  ['PurposeList', PurposeList],
  ['AllowedModels', AllowedModels],
  ['Role', Role],
  ['TenantStatus', TenantStatus],
  ['LegalBasis', LegalBasis],
  ['AuditEntryPage', AuditEntryPage],
  ['LogEntry', LogEntry],
  ['TreeHead', TreeHead],
  ['TreeHeadList', TreeHeadList],
  ['InclusionProof', InclusionProof],
  ['ConsistencyProof', ConsistencyProof],
  ['AuditPublicKeys', AuditPublicKeys],
  ['LlmChatReply', LlmChatReply],
  ['LlmUsage', LlmUsage],
  ['LlmFlags', LlmFlags],
  ['FinishReason', FinishReason],
  ['LlmEmbeddingsReply', LlmEmbeddingsReply],
  ['LlmModelList', LlmModelList],
  ['LlmModel', LlmModel],
  ['LlmModelsOverview', LlmModelsOverview],
  ['CatalogueModelView', CatalogueModelView],
  ['RetrievedChunk', RetrievedChunk],
  ['ModelCapability', ModelCapability],
  ['LlmUsageReport', LlmUsageReport],
  ['DocumentAccepted', DocumentAccepted],
  ['DocumentState', DocumentState],
  ['DocumentStatus', DocumentStatus],
  ['DocumentClassification', DocumentClassification],
  ['SearchReply', SearchReply],
  ['SearchResult', SearchResult],
  ['CollectionList', CollectionList],
  ['CollectionDescription', CollectionDescription],
  ['LlmUsageRow', LlmUsageRow],
];

/** Enumerations that inputs share with other inputs or with replies. */
const SHARED_INPUT_SCHEMAS: ReadonlyArray<readonly [string, z.ZodType]> = [
  ['TenantRole', TenantRole],
  ['LegalBasis', LegalBasis],
  ['ChatRole', ChatRole],
];

/** One schema on its own, without the `$schema` keyword (out of place inside an OpenAPI document). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema, { io }) as JsonSchema;
  delete converted.$schema;
  return converted;
}

/** A set of schemas converted together, so that one refers to another by `$ref` instead of repeating it. */
export class NamedSchemas {
  private readonly names = new Map<z.ZodType, string>();
  private readonly registry = z.registry<{ id: string }>();
  private converted: Readonly<Record<string, JsonSchema>> | undefined;

  constructor(
    entries: ReadonlyArray<readonly [string, z.ZodType]>,
    private readonly io: 'input' | 'output',
  ) {
    for (const [name, schema] of entries) {
      if (this.names.has(schema)) continue;
      this.names.set(schema, name);
      this.registry.add(schema, { id: name });
    }
  }

  /** Converted on first use: names are needed at start, the JSON schemas only when a document is built. */
  get schemas(): Readonly<Record<string, JsonSchema>> {
    this.converted ??= Object.fromEntries(
      Object.entries(z.toJSONSchema(this.registry, { io: this.io, uri: (id) => `${COMPONENT_PREFIX}${id}` }).schemas).map(
        ([name, { $schema: _schema, $id: _id, ...schema }]) => [name, schema as JsonSchema],
      ),
    );
    return this.converted;
  }

  nameOf(schema: z.ZodType): string {
    const name = this.names.get(schema);
    if (!name) throw new Error('schema without a name');
    return name;
  }

  refTo(schema: z.ZodType): JsonSchema {
    return { $ref: `${COMPONENT_PREFIX}${this.nameOf(schema)}` };
  }
}

export function pascalCase(value: string): string {
  return value.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
}

/** The name of an operation's HTTP body in the OpenAPI components. */
export function bodyNameOf(operation: Operation): string {
  return `${pascalCase(operation.operationId)}Body`;
}

/** The JSON schemas of the REST surface: request bodies and replies. */
export class OperationSchemas {
  readonly bodies: NamedSchemas;
  readonly replies: NamedSchemas;

  constructor(operations: readonly Operation[]) {
    const bodies = operations.filter((operation) => operation.hasBody).map((operation) => [bodyNameOf(operation), operation.body] as const);
    this.bodies = new NamedSchemas([...bodies, ...SHARED_INPUT_SCHEMAS], 'input');
    this.replies = new NamedSchemas(OUTPUT_SCHEMAS, 'output');
  }

  /** Every schema, for the `components` of the OpenAPI document; a name means one schema. */
  components(): Record<string, JsonSchema> {
    const merged: Record<string, JsonSchema> = { ...this.replies.schemas };
    for (const [name, schema] of Object.entries(this.bodies.schemas)) {
      const existing = merged[name];
      if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
        throw new Error(`schema name ${name} is used for two different schemas`);
      }
      merged[name] = schema;
    }
    return merged;
  }

  /** The reply's name, or undefined when the reply is empty (204 / GraphQL Boolean). */
  replyNameOf(operation: Operation): string | undefined {
    return isEmptyObject(operation.reply) ? undefined : this.replies.nameOf(operation.reply);
  }
}

/** What GraphQL arguments are made of: each operation's whole input (path and body together). */
export function graphqlInputSchemas(operations: readonly Operation[]): { schemas: NamedSchemas; argsNameOf: (operation: Operation) => string } {
  const schemas = new NamedSchemas(
    [...operations.filter((operation) => operation.graphql).map((operation) => [`${pascalCase(operation.operationId)}Args`, operation.input] as const), ...SHARED_INPUT_SCHEMAS],
    'input',
  );
  return { schemas, argsNameOf: (operation) => schemas.nameOf(operation.input) };
}

export function graphqlOutputSchemas(): NamedSchemas {
  return new NamedSchemas(OUTPUT_SCHEMAS, 'output');
}
