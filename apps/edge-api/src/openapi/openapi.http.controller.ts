// GET /api/docs-json: the OpenAPI document, built on the first request and then kept (an idle
// edge need not hold it). Swagger UI at /api/docs (SwaggerUiHttpController) reads it.
import { Controller, Get, Inject } from '@nestjs/common';
import { HEALTH_ROUTE } from '../health/health.http.controller.js';
import { OPENAI_CHAT_ROUTE, OPENAI_EMBEDDINGS_ROUTE, OPENAI_MODELS_ROUTE } from '../openai/openai-routes.js';
import type { Operation } from '../operations/operation.js';
import { OperationSchemas } from '../operations/operation-schemas.js';
import { OPERATION_TABLE } from '../operations/operations.module.js';
import { STATUS_ROUTE } from '../status/status.http.controller.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.js';

@Controller()
export class OpenApiHttpController {
  private document: OpenApiDocument | undefined;

  constructor(
    @Inject(OPERATION_TABLE) private readonly operations: readonly Operation[],
    @Inject(OperationSchemas) private readonly schemas: OperationSchemas,
  ) {}

  @Get('api/docs-json')
  json(): OpenApiDocument {
    this.document ??= buildOpenApiDocument(this.operations, this.schemas, [HEALTH_ROUTE, STATUS_ROUTE, OPENAI_MODELS_ROUTE, OPENAI_CHAT_ROUTE, OPENAI_EMBEDDINGS_ROUTE]);
    return this.document;
  }
}
