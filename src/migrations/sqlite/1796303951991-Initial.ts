import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1796303951991 implements MigrationInterface {
  name = 'Initial1796303951991';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "accounts" ("pk" varchar PRIMARY KEY NOT NULL, "id" varchar(63) NOT NULL, "displayName" varchar(200), "granularRolesEnabled" boolean NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_5a7a02c20412299d198e097a8fe" UNIQUE ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("pk" varchar PRIMARY KEY NOT NULL, "accountPk" varchar(36) NOT NULL, "ownerPk" varchar(36) NOT NULL, "id" varchar(63) NOT NULL, "displayName" varchar(200), "prefix" varchar(32) NOT NULL, "secretHash" varchar(64) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime, "lastUsedAt" datetime, "revokedAt" datetime)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_c4524792959b71f06ce565a82b" ON "api_keys" ("ownerPk") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_61b9fd4b1653ad87c7e79a2746" ON "api_keys" ("secretHash") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_d1d34dbd4ac2542a2a1c26d00b" ON "api_keys" ("accountPk", "id") `);
    await queryRunner.query(
      `CREATE TABLE "users" ("pk" varchar PRIMARY KEY NOT NULL, "accountPk" varchar(36) NOT NULL, "id" varchar(63) NOT NULL, "email" varchar(320), "displayName" varchar(200), "role" varchar(32) NOT NULL, "serviceAccount" boolean NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_98b8cebe61b23e42f368f206a9" ON "users" ("accountPk", "email") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f58bcaa37ec4e52f3d0d65de20" ON "users" ("accountPk", "id") `);
    await queryRunner.query(
      `CREATE TABLE "models" ("pk" varchar PRIMARY KEY NOT NULL, "accountPk" varchar(36) NOT NULL, "id" varchar(63) NOT NULL, "displayName" varchar(200), "createdByPk" varchar(36), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "baseModel" varchar(300), "description" text)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_16ed334871b6a62657eddf1000" ON "models" ("accountPk", "id") `);
    await queryRunner.query(
      `CREATE TABLE "datasets" ("pk" varchar PRIMARY KEY NOT NULL, "accountPk" varchar(36) NOT NULL, "id" varchar(63) NOT NULL, "displayName" varchar(200), "createdByPk" varchar(36), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "format" varchar(64) NOT NULL, "exampleCount" integer NOT NULL DEFAULT (0), "sourceUri" varchar(2048))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_35b7547a2c954b4db254f1b70d" ON "datasets" ("accountPk", "id") `);
    await queryRunner.query(
      `CREATE TABLE "fine_tuning_jobs" ("pk" varchar PRIMARY KEY NOT NULL, "accountPk" varchar(36) NOT NULL, "id" varchar(63) NOT NULL, "displayName" varchar(200), "createdByPk" varchar(36), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "baseModel" varchar(300) NOT NULL, "datasetPk" varchar(36), "state" varchar(16) NOT NULL DEFAULT ('PENDING'), "epochs" integer, "learningRate" double precision)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_55ad2a69c5e29fb79cc21a7332" ON "fine_tuning_jobs" ("accountPk", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "deployments" ("pk" varchar PRIMARY KEY NOT NULL, "accountPk" varchar(36) NOT NULL, "id" varchar(63) NOT NULL, "displayName" varchar(200), "createdByPk" varchar(36), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "model" varchar(300) NOT NULL, "state" varchar(16) NOT NULL DEFAULT ('READY'), "minReplicas" integer NOT NULL DEFAULT (1), "maxReplicas" integer NOT NULL DEFAULT (1), "endpointUrl" varchar(2048), "upstreamApiKey" text)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_6b3503bbc7cdc90dee3227022d" ON "deployments" ("accountPk", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_6b3503bbc7cdc90dee3227022d"`);
    await queryRunner.query(`DROP TABLE "deployments"`);
    await queryRunner.query(`DROP INDEX "IDX_55ad2a69c5e29fb79cc21a7332"`);
    await queryRunner.query(`DROP TABLE "fine_tuning_jobs"`);
    await queryRunner.query(`DROP INDEX "IDX_35b7547a2c954b4db254f1b70d"`);
    await queryRunner.query(`DROP TABLE "datasets"`);
    await queryRunner.query(`DROP INDEX "IDX_16ed334871b6a62657eddf1000"`);
    await queryRunner.query(`DROP TABLE "models"`);
    await queryRunner.query(`DROP INDEX "IDX_f58bcaa37ec4e52f3d0d65de20"`);
    await queryRunner.query(`DROP INDEX "IDX_98b8cebe61b23e42f368f206a9"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "IDX_d1d34dbd4ac2542a2a1c26d00b"`);
    await queryRunner.query(`DROP INDEX "IDX_61b9fd4b1653ad87c7e79a2746"`);
    await queryRunner.query(`DROP INDEX "IDX_c4524792959b71f06ce565a82b"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP TABLE "accounts"`);
  }
}
