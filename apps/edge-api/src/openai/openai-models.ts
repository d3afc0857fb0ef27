// GET /v1/models in OpenAI's list format. Gardien knows when a model was allowed, not when it was
// made: `created` is 0, which OpenAI's SDKs accept (it is an integer).
import type { PlatformRoute } from '../openapi/openapi-document.js';

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface OpenAiModelList {
  object: 'list';
  data: OpenAiModel[];
}

export function openAiModelList(models: readonly string[]): OpenAiModelList {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'gardien' })) };
}

/** The OpenAI error document, as OpenAPI describes it for /v1. */
const OPENAI_ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'param', 'code', 'request_id'],
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        param: { type: ['string', 'null'] },
        code: { type: 'string' },
        request_id: { type: 'string' },
      },
    },
  },
};

const openAiError = (description: string) => ({ description, content: { 'application/json': { schema: OPENAI_ERROR_SCHEMA } } });

/** GET /v1/models as the OpenAPI document describes it. */
export const OPENAI_MODELS_ROUTE: PlatformRoute = {
  path: '/v1/models',
  method: 'get',
  operation: {
    operationId: 'openAiListModels',
    summary: 'OpenAI-compatible: the models the caller may call (an API key: those it is bound to)',
    tags: ['openai'],
    parameters: [],
    responses: {
      200: {
        description: 'A list of models, in OpenAI’s format',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['object', 'data'],
              properties: {
                object: { const: 'list' },
                data: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['id', 'object', 'created', 'owned_by'],
                    properties: { id: { type: 'string' }, object: { const: 'model' }, created: { type: 'integer' }, owned_by: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      401: openAiError('No valid API key or access token'),
      default: openAiError('An error, in OpenAI’s shape'),
    },
    security: [{ 'api-key-bearer': [] }, { bearer: [] }],
    'x-gardien-operation': 'tenant.models.list',
    'x-gardien-isolation': 'tenant',
  },
};
