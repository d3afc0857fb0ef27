// The model catalogue (GARDIEN_MODELS_FILE): the only models the gateway will call, each with the
// runtime that serves it, the name the runtime knows it by, what it can do and the sha256 digest it
// must have. A public contract: operators' scripts write it, `gardien models add` appends to it.
import { z } from 'zod';
import { ModelName } from './auth-operations.js';
import { ModelCapability } from './llm-operations.js';

export const MODEL_RUNTIMES = ['ollama', 'openai-compatible', 'embedded'] as const;
export const ModelRuntimeKind = z.enum(MODEL_RUNTIMES);
export type ModelRuntimeKind = z.infer<typeof ModelRuntimeKind>;

export const CatalogueModel = z
  .object({
    id: ModelName,
    runtime: ModelRuntimeKind,
    /** The runtime's own name for it (`llama3.2:latest` for Ollama; for the embedded runtime, the GGUF file's path under GARDIEN_MODELS_DIR). */
    name: z.string().min(1).max(200),
    /** Lower-case hex: with Ollama, the `digest` its /api/tags reports for `name`. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    capabilities: z.array(ModelCapability).min(1).max(2),
    context_length: z.number().int().min(1).max(10_000_000),
    description: z.string().max(500).optional(),
    /** The embedded runtime only: a Jinja chat template used instead of the one the GGUF file holds. */
    chat_template: z.string().min(1).max(64 * 1024).optional(),
    /** Shown in the model list as `owned_by` (e.g. the publisher of the weights); `gardien` when absent. */
    owned_by: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine((model) => model.chat_template === undefined || model.runtime === 'embedded', { message: 'chat_template is for the embedded runtime', path: ['chat_template'] });
export type CatalogueModel = z.infer<typeof CatalogueModel>;

export const ModelCatalogueFile = z
  .object({ models: z.array(CatalogueModel).max(200) })
  .strict()
  .superRefine(({ models }, context) => {
    const seen = new Set<string>();
    models.forEach((model, index) => {
      if (seen.has(model.id)) context.addIssue({ code: 'custom', message: 'a model id listed twice', path: ['models', index, 'id'] });
      seen.add(model.id);
      if (new Set(model.capabilities).size !== model.capabilities.length) context.addIssue({ code: 'custom', message: 'a capability listed twice', path: ['models', index, 'capabilities'] });
    });
  });
export type ModelCatalogueFile = z.infer<typeof ModelCatalogueFile>;
