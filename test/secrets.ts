import { parseSecrets } from '../server/ingest/secrets';
import { SECRET_1, SECRET_2 } from '../server/providers/bakong/fixtures';

/** The contract's test secret and its rotated-in successor, both active. */
export const TEST_SECRETS = [SECRET_1, SECRET_2];

export const [KEY_1, KEY_2] = parseSecrets(TEST_SECRETS).map((s) => s.key) as [
  Buffer,
  Buffer,
];
