/**
 * A small seeded generator (mulberry32), so a scenario that shuffles can
 * print its seed and be replayed with FAULTS_SEED=<seed>.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function suiteSeed(): number {
  const fromEnv = Number(process.env.FAULTS_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0
    ? fromEnv
    : Date.now() % 2_147_483_647;
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
