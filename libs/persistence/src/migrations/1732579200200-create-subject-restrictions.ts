import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '../row-level-security.js';

/**
 * Subjects whose processing is restricted (GDPR art. 18) in this service, set and lifted by the
 * rights pipeline (gardien.v1.<service>.subject.restrict); the service's processing reads it.
 * Tenant data, under row-level security like every tenant table.
 */
export class CreateSubjectRestrictions1732579200200 implements MigrationInterface {
  name = 'CreateSubjectRestrictions1732579200200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gardien_subject_restrictions (
        tenant_id uuid NOT NULL,
        subject_id text NOT NULL,
        restricted_at timestamptz NOT NULL DEFAULT now(),
        rights_request_id uuid,
        PRIMARY KEY (tenant_id, subject_id)
      )`);
    await enableTenantIsolation(queryRunner, 'gardien_subject_restrictions');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE gardien_subject_restrictions');
  }
}
