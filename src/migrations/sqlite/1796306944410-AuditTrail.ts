import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditTrail1796306944410 implements MigrationInterface {
  name = 'AuditTrail1796306944410';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("pk" varchar PRIMARY KEY NOT NULL, "accountPk" varchar(36) NOT NULL, "id" varchar(63) NOT NULL, "occurredAt" datetime NOT NULL, "actorId" varchar(63) NOT NULL, "actorPk" varchar(36) NOT NULL, "apiKeyId" varchar(63) NOT NULL, "operation" varchar(200) NOT NULL, "target" varchar(200), "outcome" varchar(16) NOT NULL, "permission" varchar(64), "errorCode" varchar(64))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_9e76ea4cc84a0e407c5a3aeb05" ON "audit_events" ("actorId") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_90ed2168df9c83c4cb4138129e" ON "audit_events" ("accountPk", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_90ed2168df9c83c4cb4138129e"`);
    await queryRunner.query(`DROP INDEX "IDX_9e76ea4cc84a0e407c5a3aeb05"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
