import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SubjectKeyRing } from '@gardien/crypto';
import { ServiceMetrics } from '@gardien/observability';
import { AuditMetrics } from '../audit.metrics.js';
import { SigningKeysRepository } from '../heads/signing-keys.repository.js';
import { TreeHeadScheduler } from '../heads/tree-head.scheduler.js';
import { TreeHeadSigner } from '../heads/tree-head-signer.js';
import { TreeHeadsRepository } from '../heads/tree-heads.repository.js';
import { AuditIntakeConsumer } from '../intake/audit-intake.consumer.js';
import { AuditLogAppender } from './audit-log.appender.js';
import { AuditLogMessageController } from './audit-log.message.controller.js';
import { AuditLogReader } from './audit-log.reader.js';
import { AuditLogRepository } from './audit-log.repository.js';

/** The audit log: its intake from stream AUDIT, its tree heads, and what auditors read. */
@Module({
  controllers: [AuditLogMessageController],
  providers: [
    AuditLogRepository,
    TreeHeadsRepository,
    SigningKeysRepository,
    { provide: AuditMetrics, inject: [ServiceMetrics], useFactory: (metrics: ServiceMetrics) => new AuditMetrics(metrics) },
    { provide: AuditLogAppender, inject: [DataSource, AuditLogRepository], useFactory: (data: DataSource, log: AuditLogRepository) => new AuditLogAppender(data, log) },
    {
      provide: TreeHeadSigner,
      inject: [DataSource, AuditLogRepository, TreeHeadsRepository, SigningKeysRepository, SubjectKeyRing],
      useFactory: (data: DataSource, log: AuditLogRepository, heads: TreeHeadsRepository, keys: SigningKeysRepository, ring: SubjectKeyRing) => new TreeHeadSigner(data, log, heads, keys, ring),
    },
    {
      provide: AuditLogReader,
      inject: [DataSource, AuditLogRepository, TreeHeadsRepository, TreeHeadSigner],
      useFactory: (data: DataSource, log: AuditLogRepository, heads: TreeHeadsRepository, signer: TreeHeadSigner) => new AuditLogReader(data, log, heads, signer),
    },
    TreeHeadScheduler,
    AuditIntakeConsumer,
  ],
})
export class AuditLogModule {}
