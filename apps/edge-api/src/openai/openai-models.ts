// GET /v1/models in OpenAI's list format, from the gateway's list of the models the caller may call
// (in the catalogue, served as described, allowed). Gardien knows when a model was allowed, not
// when it was made: `created` is 0, which OpenAI's SDKs accept (it is an integer). The catalogue's
// description, when it has one, travels beside OpenAI's fields.
import type { LlmModelList } from '@gardien/contracts';

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  description?: string;
}

export interface OpenAiModelList {
  object: 'list';
  data: OpenAiModel[];
}

export function openAiModelList({ models }: LlmModelList): OpenAiModelList {
  return {
    object: 'list',
    data: models.map((model) => ({ id: model.id, object: 'model', created: 0, owned_by: model.owned_by, ...(model.description !== null ? { description: model.description } : {}) })),
  };
}
