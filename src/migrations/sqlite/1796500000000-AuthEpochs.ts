import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One token per account that changes, in the same transaction, with anything a cached
 * caller depends on: the account, its users, its keys (except `lastUsedAt`). Triggers
 * make it hold for every writer, including an operator's hand-written SQL. Inserts
 * count too: `INSERT OR REPLACE` removes the old row without running delete triggers,
 * so the insert trigger also moves the epoch of the account the replaced row was in.
 */
export class AuthEpochs1796500000000 implements MigrationInterface {
  name = 'AuthEpochs1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const token = `lower(hex(randomblob(16)))`;
    const bump = (...accountPks: string[]) =>
      `UPDATE "auth_epochs" SET "token" = ${token} WHERE "accountPk" IN (${accountPks.join(', ')});`;
    // An insert moves its account's epoch and that of any row it would replace (matched on the keys
    // that could be in another account).
    const replacing = (table: string, sameRow: string) =>
      `UPDATE "auth_epochs" SET "token" = ${token} WHERE "accountPk" = NEW."accountPk" OR "accountPk" IN (SELECT "accountPk" FROM "${table}" WHERE ${sameRow});`;
    const keyColumns = `"pk", "accountPk", "ownerPk", "id", "displayName", "prefix", "secretHash", "createdAt", "expiresAt", "revokedAt"`;
    await queryRunner.query(
      `CREATE TABLE "auth_epochs" ("accountPk" varchar(36) PRIMARY KEY NOT NULL, "token" varchar(32) NOT NULL)`,
    );
    await queryRunner.query(`INSERT INTO "auth_epochs" ("accountPk", "token") SELECT "pk", ${token} FROM "accounts"`);
    const triggers: [string, string][] = [
      [
        'accounts_insert',
        `AFTER INSERT ON "accounts" BEGIN INSERT INTO "auth_epochs" ("accountPk", "token") VALUES (NEW."pk", ${token}); END`,
      ],
      ['accounts_update', `AFTER UPDATE ON "accounts" BEGIN ${bump('OLD."pk"', 'NEW."pk"')} END`],
      [
        'accounts_delete',
        `AFTER DELETE ON "accounts" BEGIN DELETE FROM "auth_epochs" WHERE "accountPk" = OLD."pk"; END`,
      ],
      // BEFORE, so a row that INSERT OR REPLACE is about to remove still names its account.
      ['users_insert', `BEFORE INSERT ON "users" BEGIN ${replacing('users', '"pk" = NEW."pk"')} END`],
      ['users_update', `AFTER UPDATE ON "users" BEGIN ${bump('OLD."accountPk"', 'NEW."accountPk"')} END`],
      // UPDATE OR REPLACE can remove another row (another account's) that clashes on a key.
      ['users_replace', `BEFORE UPDATE OF "pk" ON "users" BEGIN ${replacing('users', '"pk" = NEW."pk"')} END`],
      ['users_delete', `AFTER DELETE ON "users" BEGIN ${bump('OLD."accountPk"')} END`],
      [
        'api_keys_insert',
        `BEFORE INSERT ON "api_keys" BEGIN ${replacing('api_keys', '"pk" = NEW."pk" OR "secretHash" = NEW."secretHash"')} END`,
      ],
      [
        'api_keys_update',
        `AFTER UPDATE OF ${keyColumns} ON "api_keys" BEGIN ${bump('OLD."accountPk"', 'NEW."accountPk"')} END`,
      ],
      [
        'api_keys_replace',
        `BEFORE UPDATE OF "pk", "secretHash" ON "api_keys" BEGIN ${replacing('api_keys', '"pk" = NEW."pk" OR "secretHash" = NEW."secretHash"')} END`,
      ],
      ['api_keys_delete', `AFTER DELETE ON "api_keys" BEGIN ${bump('OLD."accountPk"')} END`],
    ];
    for (const [name, body] of triggers) await queryRunner.query(`CREATE TRIGGER "auth_epoch_${name}" ${body}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['accounts', 'users', 'api_keys']) {
      for (const event of ['insert', 'update', 'delete', ...(table === 'accounts' ? [] : ['replace'])]) {
        await queryRunner.query(`DROP TRIGGER "auth_epoch_${table}_${event}"`);
      }
    }
    await queryRunner.query(`DROP TABLE "auth_epochs"`);
  }
}
