// Which models of the catalogue the gateway serves: only those the runtime has installed under
// their name with the digest the catalogue expects (Ollama reports each model's sha256 digest; the
// embedded runtime computes each file's digest itself, and reports a file it cannot use, missing,
// not GGUF or truncated, with the problem). A model whose digest differs, or that the runtime does
// not list, is refused until a later check finds it as expected; a runtime that reports no digest
// (OpenAI-compatible servers) can only be checked for the name, and says so in the log. Checked at
// start and again every CHECK_INTERVAL_MS, so that a model replaced under the same name is refused
// within that time; while a check fails or a model of the catalogue is not served, every
// RECHECK_MS, so that a runtime that comes back (or a model installed at last) is served within
// seconds, not a minute. Until a check has passed, no model is served (fail closed): a runtime
// that is down at start delays them all.
import type { CatalogueModel } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import type { InstalledModel, ModelRuntime } from '@gardien/llm-runtime';
import type { ModelCatalogue } from './model-catalogue.js';

export const CHECK_INTERVAL_MS = 60_000;
export const RECHECK_MS = 5_000;

export type ModelCheck = 'verified' | 'name_only' | 'digest_mismatch' | 'not_installed' | 'file_refused';

/** The verdict on each model of the catalogue, from what the runtime lists. */
export function checkModels(models: readonly CatalogueModel[], installed: readonly InstalledModel[]): Map<string, ModelCheck> {
  const byName = new Map(installed.map((model) => [model.name, model]));
  return new Map(
    models.map((model) => {
      const found = byName.get(model.name);
      if (!found) return [model.id, 'not_installed'];
      if (found.refused) return [model.id, 'file_refused'];
      if (found.digest === undefined) return [model.id, 'name_only'];
      return [model.id, found.digest === model.sha256 ? 'verified' : 'digest_mismatch'];
    }),
  );
}

export class CatalogueVerification {
  private served = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private last = new Map<string, ModelCheck>();

  constructor(
    private readonly catalogue: ModelCatalogue,
    private readonly runtime: ModelRuntime | undefined,
    private readonly logger: Logger,
  ) {}

  /** Whether the model (of the catalogue) passed its last check. */
  serves(modelId: string): boolean {
    return this.served.has(modelId);
  }

  /** Checks now, then again (see above) until stop(). Never throws: a failed check serves nothing. */
  async start(): Promise<void> {
    await this.check();
    this.scheduleNext();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const everyModelServed = this.served.size === this.catalogue.models.length;
    this.timer = setTimeout(() => void this.check().finally(() => this.scheduleNext()), everyModelServed ? CHECK_INTERVAL_MS : RECHECK_MS);
    this.timer.unref();
  }

  async check(): Promise<void> {
    if (this.runtime === undefined || this.catalogue.models.length === 0) return;
    let installed: InstalledModel[];
    try {
      installed = await this.runtime.listModels(AbortSignal.timeout(10_000));
    } catch (error) {
      this.served = new Set();
      this.logger.warn({ event: 'catalogue_check_failed', code: (error as { code?: string }).code ?? 'unknown' }, 'the model runtime could not be asked for its models: none is served until it can');
      return;
    }
    const verdicts = checkModels(this.catalogue.models, installed);
    const refusals = new Map(installed.filter((model) => model.refused).map((model) => [model.name, model.refused!]));
    this.served = new Set([...verdicts].filter(([, verdict]) => verdict === 'verified' || verdict === 'name_only').map(([id]) => id));
    for (const [model, verdict] of verdicts) {
      if (this.last.get(model) === verdict) continue;
      const refused = verdict === 'digest_mismatch' || verdict === 'not_installed' || verdict === 'file_refused';
      const entry = this.catalogue.find(model)!;
      // The embedded runtime's models are files: the refusal names the file and what is wrong with it.
      const file = entry.runtime === 'embedded' ? { file: entry.name, ...(refusals.get(entry.name) ?? {}) } : {};
      this.logger[refused ? 'warn' : 'info']({ event: 'catalogue_check', model, verdict, ...file }, refused ? 'model refused' : 'model served');
    }
    this.last = verdicts;
  }
}
