#!/usr/bin/env node
// Runs the whole jest suite again on PostgreSQL. Each test makes its own schema, so
// runs never see each other's rows. Without a reachable PostgreSQL the suite is
// skipped with one line, except under CI (CI=true), where that is a failure.
const { spawnSync } = require('node:child_process');
const { Client } = require('pg');

const url = process.env.ROLEGATE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const shown = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function main() {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    if (process.env.CI) {
      console.error(`PostgreSQL suite FAILED: cannot reach ${shown}: ${error.message}`);
      process.exit(1);
    }
    console.log(
      `PostgreSQL suite skipped: cannot reach ${shown} (${error.message}); set ROLEGATE_TEST_DATABASE_URL=postgres://... to run it.`,
    );
    return;
  }
  console.log(`Running the suite again on PostgreSQL at ${shown}`);
  const jest = require.resolve('jest/bin/jest');
  const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: url },
  });
  process.exit(result.status ?? 1);
}

main();
