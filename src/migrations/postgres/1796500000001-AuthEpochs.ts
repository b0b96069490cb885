import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One token per account that changes, in the same transaction, with anything a cached
 * caller depends on: the account, its users, its keys (except `lastUsedAt`). Triggers
 * make it hold for every writer, including an operator's hand-written SQL.
 */
export class AuthEpochs1796500000001 implements MigrationInterface {
  name = 'AuthEpochs1796500000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const token = `md5(random()::text || clock_timestamp()::text)`;
    await queryRunner.query(
      `CREATE TABLE "auth_epochs" ("accountPk" character varying(36) NOT NULL, "token" character varying(32) NOT NULL, CONSTRAINT "PK_auth_epochs" PRIMARY KEY ("accountPk"))`,
    );
    await queryRunner.query(
      `INSERT INTO "auth_epochs" ("accountPk", "token") SELECT "pk"::text, ${token} FROM "accounts"`,
    );
    // SET search_path FROM CURRENT: the functions find auth_epochs in this schema even when
    // the change comes from a session with another search path (an operator's psql).
    await queryRunner.query(
      `CREATE FUNCTION "rolegate_auth_epoch_account"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           INSERT INTO "auth_epochs" ("accountPk", "token") VALUES (NEW."pk"::text, ${token});
         ELSIF TG_OP = 'UPDATE' THEN
           UPDATE "auth_epochs" SET "token" = ${token} WHERE "accountPk" = OLD."pk"::text;
         ELSE
           DELETE FROM "auth_epochs" WHERE "accountPk" = OLD."pk"::text;
         END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE FUNCTION "rolegate_auth_epoch_member"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
       BEGIN
         UPDATE "auth_epochs" SET "token" = ${token} WHERE "accountPk" = OLD."accountPk";
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_accounts" AFTER INSERT OR UPDATE OR DELETE ON "accounts" FOR EACH ROW EXECUTE FUNCTION "rolegate_auth_epoch_account"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_users" AFTER UPDATE OR DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION "rolegate_auth_epoch_member"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_api_keys" AFTER UPDATE OF "pk", "accountPk", "ownerPk", "id", "displayName", "prefix", "secretHash", "createdAt", "expiresAt", "revokedAt" OR DELETE ON "api_keys" FOR EACH ROW EXECUTE FUNCTION "rolegate_auth_epoch_member"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "auth_epoch_api_keys" ON "api_keys"`);
    await queryRunner.query(`DROP TRIGGER "auth_epoch_users" ON "users"`);
    await queryRunner.query(`DROP TRIGGER "auth_epoch_accounts" ON "accounts"`);
    await queryRunner.query(`DROP FUNCTION "rolegate_auth_epoch_member"()`);
    await queryRunner.query(`DROP FUNCTION "rolegate_auth_epoch_account"()`);
    await queryRunner.query(`DROP TABLE "auth_epochs"`);
  }
}
