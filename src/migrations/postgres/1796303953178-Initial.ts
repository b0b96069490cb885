import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1796303953178 implements MigrationInterface {
  name = 'Initial1796303953178';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "accounts" ("pk" uuid NOT NULL DEFAULT gen_random_uuid(), "id" character varying(63) NOT NULL, "displayName" character varying(200), "granularRolesEnabled" boolean NOT NULL DEFAULT false, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_5a7a02c20412299d198e097a8fe" UNIQUE ("id"), CONSTRAINT "PK_44edaa11cb6fb16b9ce5de21071" PRIMARY KEY ("pk"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("pk" uuid NOT NULL DEFAULT gen_random_uuid(), "accountPk" character varying(36) NOT NULL, "ownerPk" character varying(36) NOT NULL, "id" character varying(63) NOT NULL, "displayName" character varying(200), "prefix" character varying(32) NOT NULL, "secretHash" character varying(64) NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expiresAt" TIMESTAMP WITH TIME ZONE, "lastUsedAt" TIMESTAMP WITH TIME ZONE, "revokedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5800bb0fe09d05a0352a059dde2" PRIMARY KEY ("pk"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_c4524792959b71f06ce565a82b" ON "api_keys"  ("ownerPk") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_61b9fd4b1653ad87c7e79a2746" ON "api_keys"  ("secretHash") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_d1d34dbd4ac2542a2a1c26d00b" ON "api_keys"  ("accountPk", "id") `);
    await queryRunner.query(
      `CREATE TABLE "users" ("pk" uuid NOT NULL DEFAULT gen_random_uuid(), "accountPk" character varying(36) NOT NULL, "id" character varying(63) NOT NULL, "email" character varying(320), "displayName" character varying(200), "role" character varying(32) NOT NULL, "serviceAccount" boolean NOT NULL DEFAULT false, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_be2c939b44777147d26475d7b76" PRIMARY KEY ("pk"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_98b8cebe61b23e42f368f206a9" ON "users"  ("accountPk", "email") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f58bcaa37ec4e52f3d0d65de20" ON "users"  ("accountPk", "id") `);
    await queryRunner.query(
      `CREATE TABLE "models" ("pk" uuid NOT NULL DEFAULT gen_random_uuid(), "accountPk" character varying(36) NOT NULL, "id" character varying(63) NOT NULL, "displayName" character varying(200), "createdByPk" character varying(36), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "baseModel" character varying(300), "description" text, CONSTRAINT "PK_3a462bf8248d383e280d221af29" PRIMARY KEY ("pk"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_16ed334871b6a62657eddf1000" ON "models"  ("accountPk", "id") `);
    await queryRunner.query(
      `CREATE TABLE "datasets" ("pk" uuid NOT NULL DEFAULT gen_random_uuid(), "accountPk" character varying(36) NOT NULL, "id" character varying(63) NOT NULL, "displayName" character varying(200), "createdByPk" character varying(36), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "format" character varying(64) NOT NULL, "exampleCount" integer NOT NULL DEFAULT '0', "sourceUri" character varying(2048), CONSTRAINT "PK_542b7e8ec037a73e8b47ed8479a" PRIMARY KEY ("pk"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_35b7547a2c954b4db254f1b70d" ON "datasets"  ("accountPk", "id") `);
    await queryRunner.query(
      `CREATE TABLE "fine_tuning_jobs" ("pk" uuid NOT NULL DEFAULT gen_random_uuid(), "accountPk" character varying(36) NOT NULL, "id" character varying(63) NOT NULL, "displayName" character varying(200), "createdByPk" character varying(36), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "baseModel" character varying(300) NOT NULL, "datasetPk" character varying(36), "state" character varying(16) NOT NULL DEFAULT 'PENDING', "epochs" integer, "learningRate" double precision, CONSTRAINT "PK_b25ef0e00a407d578a6a5933468" PRIMARY KEY ("pk"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_55ad2a69c5e29fb79cc21a7332" ON "fine_tuning_jobs"  ("accountPk", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "deployments" ("pk" uuid NOT NULL DEFAULT gen_random_uuid(), "accountPk" character varying(36) NOT NULL, "id" character varying(63) NOT NULL, "displayName" character varying(200), "createdByPk" character varying(36), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "model" character varying(300) NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'READY', "minReplicas" integer NOT NULL DEFAULT '1', "maxReplicas" integer NOT NULL DEFAULT '1', "endpointUrl" character varying(2048), "upstreamApiKey" text, CONSTRAINT "PK_42049cb11ad4ead87759e39739b" PRIMARY KEY ("pk"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_6b3503bbc7cdc90dee3227022d" ON "deployments"  ("accountPk", "id") `,
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
