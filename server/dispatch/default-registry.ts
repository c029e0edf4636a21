import { getConfig } from '../config';
import { createRegistry, DEFAULT_HANDLERS, type Registry } from './registry';

let registry: Registry | undefined;

/** The process's registry: the pilot handlers, with the configured attempts. */
export function getRegistry(): Registry {
  registry ??= createRegistry(
    DEFAULT_HANDLERS,
    getConfig().dispatchMaxAttempts,
  );
  return registry;
}
