// The GraphQL schema, written as SDL from the operation table: one Query field per read, one
// Mutation field per write, arguments = the operation's input, result = its reply. Types come
// from the same JSON schemas as the OpenAPI document, so names and shapes agree on both surfaces.
import type { Operation } from '../operations/operation.js';
import { isEmptyObject } from '../operations/operation.js';
import {
  COMPONENT_PREFIX,
  graphqlInputSchemas,
  graphqlOutputSchemas,
  pascalCase,
  type JsonSchema,
  type NamedSchemas,
} from '../operations/operation-schemas.js';

type Direction = 'input' | 'output';

interface GraphqlType {
  name: string;
  nullable: boolean;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** A field's or argument's written type: `!` unless optional or nullable. */
function written(type: GraphqlType, required: boolean): string {
  return required && !type.nullable ? `${type.name}!` : type.name;
}

function checkName(name: string, where: string): string {
  if (!NAME.test(name)) throw new Error(`${where}: "${name}" is not a GraphQL name`);
  return name;
}

/** Integers that fit GraphQL's 32-bit Int are Int; larger ranges (token quotas) are Float. */
function integerType(schema: JsonSchema): string {
  const min = schema.minimum ?? schema.exclusiveMinimum;
  const max = schema.maximum ?? schema.exclusiveMaximum;
  return min !== undefined && max !== undefined && min >= INT_MIN && max <= INT_MAX ? 'Int' : 'Float';
}

class SdlWriter {
  private readonly definitions = new Map<string, { kind: 'enum' | 'type' | 'input'; text: string }>();

  constructor(
    private readonly inputs: NamedSchemas,
    private readonly outputs: NamedSchemas,
  ) {}

  typeOf(schema: JsonSchema, direction: Direction, hint: string): GraphqlType {
    if (schema.anyOf) {
      const present = schema.anyOf.filter((member) => member.type !== 'null');
      // Alternatives that are all text (a uuid or a name of the system) are a String, checked by the schema.
      if (present.length > 1 && present.every((member) => member.type === 'string' && !member.$ref)) return { name: 'String', nullable: present.length !== schema.anyOf.length };
      if (present.length !== 1 || present.length === schema.anyOf.length) throw new Error(`${hint}: unions have no GraphQL form here`);
      return { ...this.typeOf(present[0]!, direction, hint), nullable: true };
    }
    if (Array.isArray(schema.type)) {
      const present = schema.type.filter((type) => type !== 'null');
      if (present.length !== 1) throw new Error(`${hint}: unions have no GraphQL form here`);
      return { ...this.typeOf({ ...schema, type: present[0] }, direction, hint), nullable: schema.type.includes('null') };
    }
    if (schema.$ref) return { name: this.named(schema.$ref.slice(COMPONENT_PREFIX.length), direction), nullable: false };
    return { name: this.unnamed(schema, direction, hint), nullable: false };
  }

  private unnamed(schema: JsonSchema, direction: Direction, hint: string): string {
    switch (schema.type) {
      case 'string':
        // Values that are not GraphQL names (the audit catalogue's `login.succeeded`) travel as a String, checked by the schema.
        return schema.enum && schema.enum.every((value) => NAME.test(String(value))) ? this.enumType(hint, schema.enum) : 'String';
      case 'integer':
        return integerType(schema);
      case 'number':
        return 'Float';
      case 'boolean':
        return 'Boolean';
      case 'array':
        if (!schema.items) throw new Error(`${hint}: array without items`);
        return `[${written(this.typeOf(schema.items, direction, hint), true)}]`;
      case 'object':
        if (schema.properties && Object.keys(schema.properties).length > 0) {
          return this.objectType(direction === 'input' ? `${hint}Input` : hint, schema, direction);
        }
        // Maps keyed by data (retention per category) have no GraphQL form: they travel as JSON, checked by the schema.
        if (typeof schema.additionalProperties === 'object') return 'JSON';
        throw new Error(`${hint}: empty object`);
      case undefined:
      default:
        throw new Error(`${hint}: no GraphQL form for this schema`);
    }
  }

  private named(name: string, direction: Direction): string {
    const schema = (direction === 'input' ? this.inputs : this.outputs).schemas[name];
    if (!schema) throw new Error(`unknown schema ${name}`);
    if (schema.enum) return this.enumType(name, schema.enum);
    return this.objectType(direction === 'input' ? `${name}Input` : name, schema, direction);
  }

  private enumType(name: string, values: unknown[]): string {
    const text = `enum ${checkName(name, 'enum')} {\n${values.map((value) => `  ${checkName(String(value), name)}`).join('\n')}\n}`;
    this.define(name, 'enum', text);
    return name;
  }

  private objectType(name: string, schema: JsonSchema, direction: Direction): string {
    const kind = direction === 'input' ? 'input' : 'type';
    if (this.definitions.get(name)?.kind === kind) return name;
    this.define(name, kind, `${kind} ${checkName(name, kind)} {\n${this.fields(schema, direction, name).join('\n')}\n}`);
    return name;
  }

  /** `name: Type` lines of an object's properties (or of an operation's arguments). */
  fields(schema: JsonSchema, direction: Direction, owner: string): string[] {
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties ?? {}).map(([field, fieldSchema]) => {
      const type = this.typeOf(fieldSchema, direction, `${owner}${pascalCase(field)}`);
      return `  ${checkName(field, owner)}: ${written(type, required.has(field))}`;
    });
  }

  outputType(name: string): string {
    return this.named(name, 'output');
  }

  private define(name: string, kind: 'enum' | 'type' | 'input', text: string): void {
    const existing = this.definitions.get(name);
    if (existing && (existing.kind !== kind || existing.text !== text)) {
      throw new Error(`GraphQL type ${name} would be defined twice, differently`);
    }
    this.definitions.set(name, { kind, text });
  }

  typeDefinitions(): string[] {
    // By UTF-16 code unit (GraphQL names are ASCII), not localeCompare: the same order on every
    // machine, and no ICU collator loaded.
    return [...this.definitions.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, { text }]) => text);
  }
}

function describe(operation: Operation): string {
  return `"""${operation.summary}. Operation \`${operation.name}\`, isolation \`${operation.isolation}\`."""`;
}

export function buildGraphqlSdl(operations: readonly Operation[]): string {
  const { schemas: inputs, argsNameOf } = graphqlInputSchemas(operations);
  const outputs = graphqlOutputSchemas();
  const writer = new SdlWriter(inputs, outputs);
  const rootFields = (type: 'query' | 'mutation') =>
    operations
      .filter((operation) => operation.graphql?.type === type)
      .map((operation) => {
        const field = checkName(operation.graphql!.field, operation.name);
        const argsSchema = inputs.schemas[argsNameOf(operation)]!;
        const args = writer.fields(argsSchema, 'input', pascalCase(field)).map((line) => line.trim());
        const result = isEmptyObject(operation.reply) ? 'Boolean!' : `${writer.outputType(outputs.nameOf(operation.reply))}!`;
        return `  ${describe(operation)}\n  ${field}${args.length > 0 ? `(${args.join(', ')})` : ''}: ${result}`;
      });
  return [
    `type Query {\n${rootFields('query').join('\n')}\n}`,
    `type Mutation {\n${rootFields('mutation').join('\n')}\n}`,
    '"""Any JSON value; its shape is checked by the operation\'s schema."""\nscalar JSON',
    ...writer.typeDefinitions(),
  ].join('\n\n');
}
