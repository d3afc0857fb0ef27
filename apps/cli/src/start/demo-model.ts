// With no model runtime configured, `gardien start` (development) serves the project's demo model
// on the embedded runtime: it writes the file (the project's own bytes, no download) under the data
// directory with a catalogue listing it, and says plainly, here and in the model list, that its
// answers are not language. An operator who configures a catalogue or a runtime gets none of this.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogueModel } from '@gardien/contracts';
import { DEMO_MODEL, buildDemoModel, sha256OfFile } from '@gardien/gguf';
import { writeCatalogueFile } from '../models/catalogue-file.js';

export const DEMO_OWNED_BY = 'gardien (démo : pas un modèle de langage / demo: not a language model)';

const CONFIGURED = ['GARDIEN_MODELS_FILE', 'GARDIEN_LLM_RUNTIME', 'GARDIEN_OLLAMA_URL', 'GARDIEN_OPENAI_BASE_URL'] as const;

/** The gateway's variables for the demo model, or none when the operator configured models. */
export async function demoModelEnvironment(dataDir: string, env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<Record<string, string>> {
  if (CONFIGURED.some((variable) => env[variable])) return {};
  const modelsDir = join(dataDir, 'models');
  const file = join(modelsDir, DEMO_MODEL.file);
  const bytes = buildDemoModel();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await mkdir(modelsDir, { recursive: true, mode: 0o755 });
  const present = await sha256OfFile(file).then(
    (digest) => digest === sha256,
    () => false,
  );
  if (!present) await writeFile(file, bytes, { mode: 0o644 });
  const catalogue = join(dataDir, 'demo-models.json');
  const entry: CatalogueModel = {
    id: DEMO_MODEL.id,
    runtime: 'embedded',
    name: DEMO_MODEL.file,
    sha256,
    capabilities: ['chat', 'embeddings'],
    context_length: DEMO_MODEL.contextLength,
    description: DEMO_MODEL.description,
    owned_by: DEMO_OWNED_BY,
  };
  await writeCatalogueFile(catalogue, { models: [entry] });
  say(
    `no model configured: the gateway serves the demo model "${DEMO_MODEL.id}" on the embedded runtime (${file}, written by the project, sha256 ${sha256.slice(0, 12)}…). ` +
      'Its answers are NOT language (it continues the alphabet); a tenant admin allows it in the tenant settings. To serve a real model, see the README (gardien models add).',
  );
  return { GARDIEN_LLM_RUNTIME: 'embedded', GARDIEN_MODELS_DIR: modelsDir, GARDIEN_MODELS_FILE: catalogue };
}
