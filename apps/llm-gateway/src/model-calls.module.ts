// Everything a model call goes through, wired once: the catalogue (and its check against the
// runtime), the runtime, tenants' policies, quotas, usage, the PII engine, the guards and the
// stages of the pipeline.
import { Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DelegatedTokens, ServiceTokens } from '@gardien/authz';
import { BusClient } from '@gardien/contracts';
import { MODEL_RUNTIME, createModelRuntime, readModelRuntimeConfig, runtimeKindOf, type ModelRuntime } from '@gardien/llm-runtime';
import type { Logger } from '@gardien/observability';
import { PiiScanner } from '@gardien/pii';
import { LOGGER, SERVICE_CONFIG } from '@gardien/platform';
import { CallerModels } from './calls/caller-models.js';
import { ModelCallsMessageController } from './calls/model-calls.message.controller.js';
import { UsageReports } from './calls/usage-reports.js';
import { CatalogueVerification } from './catalogue/catalogue-verification.js';
import { ModelCatalogue, ModelCatalogueError } from './catalogue/model-catalogue.js';
import type { LlmGatewayConfig } from './config.js';
import { PromptInjectionGuard } from './guards/prompt-injection.guard.js';
import { CallSettlements } from './pipeline/call-settlements.js';
import { ModelCallPipeline, PipelineStages } from './pipeline/model-call.pipeline.js';
import { ResidualIdentifiers } from './pipeline/residual-identifiers.js';
import { AuditStage } from './pipeline/stages/audit.stage.js';
import { AuthoriseStage } from './pipeline/stages/authorise.stage.js';
import { InputGuardsStage } from './pipeline/stages/input-guards.stage.js';
import { LegalBasisStage } from './pipeline/stages/legal-basis.stage.js';
import { MeterStage } from './pipeline/stages/meter.stage.js';
import { OutputGuardsStage } from './pipeline/stages/output-guards.stage.js';
import { PseudonymiseStage } from './pipeline/stages/pseudonymise.stage.js';
import { QuotaStage } from './pipeline/stages/quota.stage.js';
import { ChunkSource, RetrievalStage, VectorStoreChunks } from './pipeline/stages/retrieval.stage.js';
import { ReidentifyStage } from './pipeline/stages/reidentify.stage.js';
import { RuntimeStage } from './pipeline/stages/runtime.stage.js';
import { BusPolicySource, PolicySource, TenantPolicies } from './policy/tenant-policies.js';
import { InFlightLimits } from './quota/in-flight-limits.js';
import { QuotaLedger } from './quota/quota-ledger.js';
import { QuotaRepository } from './quota/quota.repository.js';
import { UsageRepository } from './usage/usage.repository.js';

/** The runtime of the catalogue's models (one, GARDIEN_LLM_RUNTIME), or none for an empty catalogue. */
async function runtimeFor(catalogue: ModelCatalogue): Promise<ModelRuntime | undefined> {
  if (catalogue.models.length === 0) return undefined;
  const config = readModelRuntimeConfig(process.env);
  const kind = runtimeKindOf(config);
  const other = catalogue.models.find((model) => model.runtime !== kind);
  if (other) throw new ModelCatalogueError(`model ${other.id} is served by ${other.runtime}, but the gateway's runtime is ${kind} (GARDIEN_LLM_RUNTIME)`);
  return createModelRuntime(
    config,
    catalogue.models.map((model) => ({ name: model.name, sha256: model.sha256, contextLength: model.context_length, ...(model.chat_template ? { chatTemplate: model.chat_template } : {}) })),
  );
}

/** Starts the catalogue's check at boot, and closes the runtime at shutdown. */
@Injectable()
class ModelCallsLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly verification: CatalogueVerification,
    @Optional() @Inject(MODEL_RUNTIME) private readonly runtime: ModelRuntime | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.verification.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.verification.stop();
    await this.runtime?.close();
  }
}

@Module({
  controllers: [ModelCallsMessageController],
  providers: [
    { provide: ModelCatalogue, inject: [SERVICE_CONFIG], useFactory: (config: LlmGatewayConfig) => ModelCatalogue.load(config.GARDIEN_MODELS_FILE) },
    { provide: MODEL_RUNTIME, inject: [ModelCatalogue], useFactory: runtimeFor },
    {
      provide: CatalogueVerification,
      inject: [ModelCatalogue, MODEL_RUNTIME, LOGGER],
      useFactory: (catalogue: ModelCatalogue, runtime: ModelRuntime | undefined, logger: Logger) => new CatalogueVerification(catalogue, runtime, logger),
    },
    { provide: PiiScanner, useFactory: () => new PiiScanner() },
    { provide: PromptInjectionGuard, useFactory: () => new PromptInjectionGuard() },
    { provide: PolicySource, inject: [BusClient, ServiceTokens], useFactory: (bus: BusClient, tokens: ServiceTokens) => new BusPolicySource(bus, tokens) },
    { provide: TenantPolicies, inject: [PolicySource], useFactory: (source: PolicySource) => new TenantPolicies(source) },
    QuotaRepository,
    {
      provide: InFlightLimits,
      inject: [SERVICE_CONFIG],
      useFactory: (config: LlmGatewayConfig) => new InFlightLimits({ perTenant: config.GARDIEN_LLM_MAX_CONCURRENT_PER_TENANT, overall: config.GARDIEN_LLM_MAX_CONCURRENT }),
    },
    { provide: QuotaLedger, inject: [DataSource, QuotaRepository], useFactory: (dataSource: DataSource, repository: QuotaRepository) => new QuotaLedger(dataSource, repository) },
    UsageRepository,
    { provide: MeterStage, inject: [QuotaLedger], useFactory: (ledger: QuotaLedger) => new MeterStage(ledger) },
    CallSettlements,
    AuthoriseStage,
    LegalBasisStage,
    QuotaStage,
    // Retrieval asks the vector store as the caller: the caller's token, exchanged for its audience.
    { provide: DelegatedTokens, inject: [BusClient], useFactory: (bus: BusClient) => new DelegatedTokens(bus, 'llm-gateway') },
    { provide: ChunkSource, useClass: VectorStoreChunks },
    RetrievalStage,
    InputGuardsStage,
    PseudonymiseStage,
    RuntimeStage,
    OutputGuardsStage,
    ReidentifyStage,
    AuditStage,
    PipelineStages,
    ResidualIdentifiers,
    ModelCallPipeline,
    CallerModels,
    UsageReports,
    ModelCallsLifecycle,
  ],
})
export class ModelCallsModule {}
