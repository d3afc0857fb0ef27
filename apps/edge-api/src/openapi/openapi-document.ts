// The OpenAPI document, scanned by @nestjs/swagger from the routes themselves (each operation's
// route carries its description), with the zod schemas as named components. Served as JSON at
// /api/docs-json by SwaggerModule; the UI at /api/docs is SwaggerUiHttpController's.
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { ErrorCode } from '@gardien/contracts';
import { API_KEY_HEADER } from '../authentication/api-key.strategy.js';
import { OperationSchemas, jsonSchemaOf } from '../operations/operation-schemas.js';
import { API_KEY_SCHEME, BEARER_SCHEME, PROBLEM_SCHEMA } from '../operations/operations.http.controller.js';

export const DOCS_PATH = 'api/docs';

/** What every error looks like (see http/problem.ts); a test checks that problem documents match it. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    code: z.enum(ErrorCode),
    request_id: z.string(),
    errors: z.array(z.object({ path: z.string().optional(), reason: z.string() }).strict()).optional(),
  })
  .strict();

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Gardien API')
    .setDescription(
      'Identity, tenants and access. Every operation is also a GraphQL field at POST /graphql. ' +
        'Errors are RFC 9457 problem documents (application/problem+json).',
    )
    .setVersion('v1')
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /api/v1/auth/login' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'A tenant API key' }, API_KEY_SCHEME)
    .build();
  config.components = {
    ...config.components,
    // zod writes JSON Schema 2020-12, which is what OpenAPI 3.1 schemas are.
    schemas: { ...app.get(OperationSchemas).components(), [PROBLEM_SCHEMA]: jsonSchemaOf(ProblemSchema, 'output') } as Record<string, SchemaObject>,
  };
  return SwaggerModule.createDocument(app, config, { autoTagControllers: false });
}

export function serveOpenApi(app: INestApplication): void {
  // Built on first request, then kept: an idle edge need not hold it (tests build it).
  // ui: false: SwaggerModule would serve the UI through @fastify/static, which loads with require(esm)
  // and so cannot run under Jest on Node 20; and it would expose the whole swagger-ui-dist directory.
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), { ui: false, raw: ['json'] });
}
