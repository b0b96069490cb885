import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One token per account that changes, in the same transaction, with anything a cached
 * caller depends on: the account, its users, its keys (except `lastUsedAt`). Triggers
 * make it hold for every writer, including an operator's hand-written SQL and TRUNCATE.
 * The functions pin their search path to this schema, so they find auth_epochs even when
 * the change comes from a session with another search path.
 */
export class AuthEpochs1796500000001 implements MigrationInterface {
  name = 'AuthEpochs1796500000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const token = `md5(random()::text || clock_timestamp()::text)`;
    // The schema the tables go to, by name ("$user" in a search path would be read per session),
    // and pg_temp last: otherwise a session's temporary table could stand in for auth_epochs.
    const [{ schema }] = (await queryRunner.query(`SELECT quote_ident(current_schema()) AS schema`)) as {
      schema: string;
    }[];
    const fn = (name: string, body: string) =>
      queryRunner.query(
        `CREATE FUNCTION "${name}"() RETURNS trigger LANGUAGE plpgsql SET search_path = ${schema}, pg_temp AS $$ BEGIN ${body} RETURN NULL; END $$`,
      );
    await queryRunner.query(
      `CREATE TABLE "auth_epochs" ("accountPk" character varying(36) NOT NULL, "token" character varying(32) NOT NULL, CONSTRAINT "PK_auth_epochs" PRIMARY KEY ("accountPk"))`,
    );
    await queryRunner.query(
      `INSERT INTO "auth_epochs" ("accountPk", "token") SELECT "pk"::text, ${token} FROM "accounts"`,
    );
    await fn(
      'rolegate_auth_epoch_account',
      `IF TG_OP = 'INSERT' THEN
         INSERT INTO "auth_epochs" ("accountPk", "token") VALUES (NEW."pk"::text, ${token});
       ELSIF TG_OP = 'UPDATE' THEN
         DELETE FROM "auth_epochs" WHERE "accountPk" = OLD."pk"::text;
         INSERT INTO "auth_epochs" ("accountPk", "token") VALUES (NEW."pk"::text, ${token});
       ELSE
         DELETE FROM "auth_epochs" WHERE "accountPk" = OLD."pk"::text;
       END IF;`,
    );
    await fn(
      'rolegate_auth_epoch_member',
      `UPDATE "auth_epochs" SET "token" = ${token}
       WHERE "accountPk" IN (
         CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD."accountPk" END,
         CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW."accountPk" END);`,
    );
    // TRUNCATE runs no row triggers: every account's token moves (users, keys) or goes (accounts).
    await fn('rolegate_auth_epoch_truncate_members', `UPDATE "auth_epochs" SET "token" = ${token};`);
    await fn('rolegate_auth_epoch_truncate_accounts', `DELETE FROM "auth_epochs";`);
    const keyColumns = `"pk", "accountPk", "ownerPk", "id", "displayName", "prefix", "secretHash", "createdAt", "expiresAt", "revokedAt"`;
    for (const sql of [
      `CREATE TRIGGER "auth_epoch_accounts" AFTER INSERT OR UPDATE OR DELETE ON "accounts" FOR EACH ROW EXECUTE FUNCTION "rolegate_auth_epoch_account"()`,
      `CREATE TRIGGER "auth_epoch_users" AFTER INSERT OR UPDATE OR DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION "rolegate_auth_epoch_member"()`,
      `CREATE TRIGGER "auth_epoch_api_keys" AFTER INSERT OR UPDATE OF ${keyColumns} OR DELETE ON "api_keys" FOR EACH ROW EXECUTE FUNCTION "rolegate_auth_epoch_member"()`,
      `CREATE TRIGGER "auth_epoch_accounts_truncate" AFTER TRUNCATE ON "accounts" FOR EACH STATEMENT EXECUTE FUNCTION "rolegate_auth_epoch_truncate_accounts"()`,
      `CREATE TRIGGER "auth_epoch_users_truncate" AFTER TRUNCATE ON "users" FOR EACH STATEMENT EXECUTE FUNCTION "rolegate_auth_epoch_truncate_members"()`,
      `CREATE TRIGGER "auth_epoch_api_keys_truncate" AFTER TRUNCATE ON "api_keys" FOR EACH STATEMENT EXECUTE FUNCTION "rolegate_auth_epoch_truncate_members"()`,
    ]) {
      await queryRunner.query(sql);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['accounts', 'users', 'api_keys']) {
      await queryRunner.query(`DROP TRIGGER "auth_epoch_${table}_truncate" ON "${table}"`);
      await queryRunner.query(`DROP TRIGGER "auth_epoch_${table}" ON "${table}"`);
    }
    for (const name of ['account', 'member', 'truncate_members', 'truncate_accounts']) {
      await queryRunner.query(`DROP FUNCTION "rolegate_auth_epoch_${name}"()`);
    }
    await queryRunner.query(`DROP TABLE "auth_epochs"`);
  }
}
