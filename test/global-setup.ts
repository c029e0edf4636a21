import type {} from 'vitest';
import type { TestProject } from 'vitest/node';

import { createScratchDatabase } from '../db/scratch-database';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    serverUrl: string;
  }
}

/** One migrated database for the whole run; tests use data of their own. */
export default async function setup(project: TestProject) {
  const database = await createScratchDatabase({ prefix: 'gw_vitest' });
  project.provide('databaseUrl', database.url);
  project.provide('serverUrl', database.serverUrl);
  return () => database.drop();
}
