// `gardien models add FILE --id NAME` and `gardien models verify`: the embedded runtime's models
// are files mounted in GARDIEN_MODELS_DIR, listed in the catalogue (GARDIEN_MODELS_FILE) with their
// sha256. `add` registers a file that is already there: it reads its header (a GGUF file, whole),
// computes its digest and appends the entry; it copies nothing and fetches nothing. `verify` checks
// every listed file as the gateway does before it loads one. Exit codes: 0 done, 1 a listed file
// failed its check, 2 the file or the catalogue was refused, 64 bad usage.
import { realpath } from 'node:fs/promises';
import { relative, resolve, sep, isAbsolute } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { MODEL_CAPABILITIES, ModelName, type CatalogueModel, type ModelCapability } from '@gardien/contracts';
import { ModelFiles } from '@gardien/gguf';
import { EX_USAGE, exitOnUsageError, withoutOptionValues } from '../usage-errors.js';
import { CatalogueFileError, readCatalogueFile, writeCatalogueFile } from './catalogue-file.js';

export const EX_VERIFY_FAILED = 1;
export const EX_REFUSED = 2;

export interface ModelsIo {
  write(text: string): void;
  error(text: string): void;
  env: NodeJS.ProcessEnv;
}

export interface Locations {
  catalogue?: string;
  modelsDir?: string;
}

export interface AddOptions extends Locations {
  id: string;
  capabilities?: ModelCapability[];
  contextLength?: number;
  description?: string;
  replace?: boolean;
}

class Refused extends Error {}

function locations(options: Locations, env: NodeJS.ProcessEnv): { catalogue: string; modelsDir: string } {
  const catalogue = options.catalogue ?? env.GARDIEN_MODELS_FILE;
  const modelsDir = options.modelsDir ?? env.GARDIEN_MODELS_DIR;
  if (!catalogue) throw new UsageError('say where the catalogue is: --catalogue or GARDIEN_MODELS_FILE');
  if (!modelsDir) throw new UsageError('say where the models are mounted: --models-dir or GARDIEN_MODELS_DIR');
  return { catalogue, modelsDir };
}

class UsageError extends Error {}

/** The file's path under the models directory, or a refusal: nothing is copied there. */
async function nameUnder(modelsDir: string, file: string): Promise<string> {
  let root: string;
  let path: string;
  try {
    root = await realpath(modelsDir);
  } catch {
    throw new Refused(`the models directory ${modelsDir} does not exist`);
  }
  try {
    path = await realpath(resolve(file));
  } catch {
    throw new Refused(`${file}: no such file`);
  }
  const name = relative(root, path);
  if (name === '' || name === '..' || name.startsWith(`..${sep}`) || isAbsolute(name)) {
    throw new Refused(`${file} is not under the models directory ${modelsDir}: mount or place it there first (gardien copies no model)`);
  }
  return name.split(sep).join('/');
}

export async function addModel(file: string, options: AddOptions, io: ModelsIo): Promise<number> {
  try {
    if (!ModelName.safeParse(options.id).success) throw new UsageError('--id: letters, digits and . _ : / - (200 at most), starting with a letter or a digit');
    const { catalogue, modelsDir } = locations(options, io.env);
    const name = await nameUnder(modelsDir, file);
    const check = await new ModelFiles(modelsDir).check(name);
    if (!check.ok) throw new Refused(`${name}: ${check.problem}: ${check.detail}`);
    const architecture = check.header.metadata.get('general.architecture');
    const trained = typeof architecture === 'string' ? check.header.metadata.get(`${architecture}.context_length`) : undefined;
    const trainedLength = typeof trained === 'number' ? trained : undefined;
    const contextLength = options.contextLength ?? trainedLength;
    if (contextLength === undefined) throw new Refused(`${name}: its header gives no context length: say it with --context-length`);
    // The runtime gives a model no more than it was trained for: a longer one listed would be a promise it does not keep.
    if (trainedLength !== undefined && contextLength > trainedLength) throw new Refused(`${name}: --context-length ${contextLength} is more than the ${trainedLength} tokens its header says it was trained for`);
    const current = await readCatalogueFile(catalogue);
    const others = current.models.filter((model) => model.runtime !== 'embedded');
    if (others.length > 0) throw new Refused(`the catalogue lists models of another runtime (${others[0]!.runtime}): one gateway serves one runtime`);
    if (current.models.some((model) => model.id === options.id) && !options.replace) throw new Refused(`the catalogue already lists ${options.id} (--replace to replace it)`);
    const entry: CatalogueModel = {
      id: options.id,
      runtime: 'embedded',
      name,
      sha256: check.digest,
      capabilities: options.capabilities ?? ['chat'],
      context_length: contextLength,
      ...(options.description ? { description: options.description } : {}),
    };
    await writeCatalogueFile(catalogue, { models: [...current.models.filter((model) => model.id !== options.id), entry] });
    io.write(`${JSON.stringify(entry)}\n`);
    io.error(`gardien models add: ${options.id} registered (${name}, sha256 ${check.digest}) in ${catalogue}; the gateway reads its catalogue when it starts: restart it to serve this model\n`);
    return 0;
  } catch (error) {
    return failure(error, 'add', io);
  }
}

export async function verifyModels(options: Locations, io: ModelsIo): Promise<number> {
  try {
    const { catalogue, modelsDir } = locations(options, io.env);
    const { models } = await readCatalogueFile(catalogue);
    const files = new ModelFiles(modelsDir);
    let failed = 0;
    for (const model of models) {
      if (model.runtime !== 'embedded') {
        io.write(`skipped  ${model.id}: served by ${model.runtime}, checked by the gateway against that runtime\n`);
        continue;
      }
      const check = await files.check(model.name);
      if (!check.ok) {
        failed += 1;
        io.write(`REFUSED  ${model.id}: ${model.name}: ${check.problem}: ${check.detail}\n`);
      } else if (check.digest !== model.sha256) {
        failed += 1;
        io.write(`REFUSED  ${model.id}: ${model.name}: sha256 ${check.digest}, the catalogue lists ${model.sha256}\n`);
      } else {
        io.write(`ok       ${model.id}: ${model.name}: sha256 ${check.digest}\n`);
      }
    }
    io.error(`gardien models verify: ${models.length - failed} of ${models.length} model(s) as listed\n`);
    return failed > 0 ? EX_VERIFY_FAILED : 0;
  } catch (error) {
    return failure(error, 'verify', io);
  }
}

function failure(error: unknown, command: string, io: ModelsIo): number {
  if (error instanceof UsageError) {
    io.error(`gardien models ${command}: ${error.message}\n`);
    return EX_USAGE;
  }
  if (error instanceof Refused || error instanceof CatalogueFileError) {
    io.error(`gardien models ${command}: ${error.message}\n`);
    return EX_REFUSED;
  }
  throw error;
}

function capabilitiesOf(value: string): ModelCapability[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.length === 0 || items.some((item) => !(MODEL_CAPABILITIES as readonly string[]).includes(item)) || new Set(items).size !== items.length) {
    throw new InvalidArgumentError(`a comma-separated list of ${MODEL_CAPABILITIES.join(', ')}`);
  }
  return items as ModelCapability[];
}

function contextLengthOf(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > 10_000_000) throw new InvalidArgumentError('a whole number of tokens, 1 to 10000000');
  return number;
}

export function modelsCommand(): Command {
  const io: ModelsIo = { write: (text) => process.stdout.write(text), error: (text) => process.stderr.write(text), env: process.env };
  const command = new Command('models').description('register and check the GGUF models of the embedded runtime (mounted files; nothing is downloaded)');
  command
    .command('add')
    .description('register a GGUF file of the models directory in the catalogue, with its sha256')
    .argument('<file>', 'the GGUF file, already under the models directory')
    .requiredOption('--id <name>', 'the public model id (what requests name)')
    .option('--capabilities <list>', 'chat, embeddings, or both (default chat)', capabilitiesOf)
    .option('--context-length <tokens>', 'the context the model gets (default: the one its header gives)', contextLengthOf)
    .option('--description <text>', 'shown in the model list')
    .option('--replace', 'replace an entry of the same id')
    .option('--catalogue <file>', 'the catalogue (default GARDIEN_MODELS_FILE)')
    .option('--models-dir <dir>', 'the models directory (default GARDIEN_MODELS_DIR)')
    .action(async (file: string, options: AddOptions) => {
      process.exitCode = await addModel(file, options, io);
    });
  command
    .command('verify')
    .description('check every listed file: present, whole GGUF, and the sha256 the catalogue lists')
    .option('--catalogue <file>', 'the catalogue (default GARDIEN_MODELS_FILE)')
    .option('--models-dir <dir>', 'the models directory (default GARDIEN_MODELS_DIR)')
    .action(async (options: Locations) => {
      process.exitCode = await verifyModels(options, io);
    });
  for (const sub of command.commands) sub.configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) }).exitOverride(exitOnUsageError);
  return command;
}
