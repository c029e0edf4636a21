import { migrateDatabase } from '../db/migrate';
import { ConfigError, loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { openDatabase } from '../server/runtime/open-database';

/** `npm run db:migrate`: applies pending migrations and exits. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log);
  try {
    await migrateDatabase(database.url, log);
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `migration failed: ${String(error)}\n`,
  );
  process.exit(1);
});
