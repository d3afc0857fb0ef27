// The models the gateway may call: read once at start from GARDIEN_MODELS_FILE, validated whole
// (a bad file stops the service, naming the file and the path of the first problem, never a
// value). No file: no model, and every call is refused as asking for an unknown model.
import { readFile, stat } from 'node:fs/promises';
import { StartupConfigError } from '@gardien/bootstrap';
import { ModelCatalogueFile, type CatalogueModel, type ModelCapability } from '@gardien/contracts';

/** A catalogue is a short list: a larger file is a mistake, refused before it is read. */
const MAX_FILE_BYTES = 1024 * 1024;

/** A catalogue file that cannot be used: the gateway stops at start, exit 78 (StartupConfigError). */
export class ModelCatalogueError extends StartupConfigError {
  constructor(problem: string) {
    super('GARDIEN_MODELS_FILE', problem);
    this.name = 'ModelCatalogueError';
  }
}

export class ModelCatalogue {
  private readonly byId: ReadonlyMap<string, CatalogueModel>;

  constructor(readonly models: readonly CatalogueModel[]) {
    this.byId = new Map(models.map((model) => [model.id, model]));
  }

  static async load(path: string | undefined): Promise<ModelCatalogue> {
    if (path === undefined) return new ModelCatalogue([]);
    const size = await stat(path).then(
      (info) => info.size,
      () => {
        throw new ModelCatalogueError(`cannot read ${path}`);
      },
    );
    if (size > MAX_FILE_BYTES) throw new ModelCatalogueError(`${path} is larger than ${MAX_FILE_BYTES} bytes`);
    return ModelCatalogue.parse(await readFile(path, 'utf8'), path);
  }

  static parse(text: string, source: string): ModelCatalogue {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ModelCatalogueError(`${source} is not JSON`);
    }
    const parsed = ModelCatalogueFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ModelCatalogueError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.code}`);
    }
    return new ModelCatalogue(parsed.data.models);
  }

  find(id: string): CatalogueModel | undefined {
    return this.byId.get(id);
  }

  /** The models that serve `capability`. */
  serving(capability: ModelCapability): CatalogueModel[] {
    return this.models.filter((model) => model.capabilities.includes(capability));
  }
}
