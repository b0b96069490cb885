import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditTrail1796306948519 implements MigrationInterface {
  name = 'AuditTrail1796306948519';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("pk" uuid NOT NULL DEFAULT gen_random_uuid(), "accountPk" character varying(36) NOT NULL, "id" character varying(63) NOT NULL, "occurredAt" TIMESTAMP WITH TIME ZONE NOT NULL, "actorId" character varying(63) NOT NULL, "actorPk" character varying(36) NOT NULL, "apiKeyId" character varying(63) NOT NULL, "operation" character varying(200) NOT NULL, "target" character varying(200), "outcome" character varying(16) NOT NULL, "permission" character varying(64), "errorCode" character varying(64), CONSTRAINT "PK_34021c220e812af7183606906e8" PRIMARY KEY ("pk"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_9e76ea4cc84a0e407c5a3aeb05" ON "audit_events"  ("actorId") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_90ed2168df9c83c4cb4138129e" ON "audit_events"  ("accountPk", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_90ed2168df9c83c4cb4138129e"`);
    await queryRunner.query(`DROP INDEX "IDX_9e76ea4cc84a0e407c5a3aeb05"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
