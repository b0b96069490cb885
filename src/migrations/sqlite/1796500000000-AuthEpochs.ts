import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One token per account that changes, in the same transaction, with anything a cached
 * caller depends on: the account, its users, its keys (except `lastUsedAt`). Triggers
 * make it hold for every writer, including an operator's hand-written SQL.
 */
export class AuthEpochs1796500000000 implements MigrationInterface {
  name = 'AuthEpochs1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const token = `lower(hex(randomblob(16)))`;
    const bump = (accountPk: string) => `UPDATE "auth_epochs" SET "token" = ${token} WHERE "accountPk" = ${accountPk};`;
    await queryRunner.query(
      `CREATE TABLE "auth_epochs" ("accountPk" varchar(36) PRIMARY KEY NOT NULL, "token" varchar(32) NOT NULL)`,
    );
    await queryRunner.query(`INSERT INTO "auth_epochs" ("accountPk", "token") SELECT "pk", ${token} FROM "accounts"`);
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_accounts_insert" AFTER INSERT ON "accounts" BEGIN INSERT INTO "auth_epochs" ("accountPk", "token") VALUES (NEW."pk", ${token}); END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_accounts_update" AFTER UPDATE ON "accounts" BEGIN ${bump('OLD."pk"')} END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_accounts_delete" AFTER DELETE ON "accounts" BEGIN DELETE FROM "auth_epochs" WHERE "accountPk" = OLD."pk"; END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_users_update" AFTER UPDATE ON "users" BEGIN ${bump('OLD."accountPk"')} END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_users_delete" AFTER DELETE ON "users" BEGIN ${bump('OLD."accountPk"')} END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_api_keys_update" AFTER UPDATE OF "pk", "accountPk", "ownerPk", "id", "displayName", "prefix", "secretHash", "createdAt", "expiresAt", "revokedAt" ON "api_keys" BEGIN ${bump('OLD."accountPk"')} END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "auth_epoch_api_keys_delete" AFTER DELETE ON "api_keys" BEGIN ${bump('OLD."accountPk"')} END`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of [
      'accounts_insert',
      'accounts_update',
      'accounts_delete',
      'users_update',
      'users_delete',
      'api_keys_update',
      'api_keys_delete',
    ]) {
      await queryRunner.query(`DROP TRIGGER "auth_epoch_${trigger}"`);
    }
    await queryRunner.query(`DROP TABLE "auth_epochs"`);
  }
}
