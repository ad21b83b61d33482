/** A small seedable random source, so synthetic feeds and their tests are reproducible. */

/** Uniform numbers in [0, 1) and standard normal draws from one 32-bit xorshift state. */
export type Random = {
  uniform(): number;
  normal(): number;
};

/**
 * Creates a random source. Xorshift32 is plenty for a demo feed: it is fast, has no
 * dependencies and, unlike `Math.random`, replays the same sequence for the same seed.
 */
export function createRandom(seed: number = Date.now()): Random {
  // A zero state would stay zero forever, so fold the seed into a non-zero 32-bit value.
  let state = (seed ^ 0x9e3779b9) >>> 0 || 0x6d2b79f5;
  const uniform = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
  const normal = (): number => {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}
