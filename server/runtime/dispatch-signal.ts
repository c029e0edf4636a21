type Listener = () => void;

const KEY = Symbol.for('modula.webhook-gateway.dispatch-signal');
type Holder = { [KEY]?: Set<Listener> };

function listeners(): Set<Listener> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Set());
}

/**
 * Tells this process's dispatch relay, if it runs one, that a committed
 * transaction may have created dispatches, so their jobs go to the queue
 * now instead of at the relay's next poll. Kept on `globalThis`: a Next
 * route signals, the launcher's worker listens.
 */
export function signalDispatchesPending(): void {
  for (const listener of listeners()) listener();
}

/** Subscribes to the signal; returns the unsubscribe function. */
export function onDispatchesPending(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}
