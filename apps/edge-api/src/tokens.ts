export const EDGE_CONFIG = Symbol('EDGE_CONFIG');
export const EDGE_LOGGER = Symbol('EDGE_LOGGER');
/** Milliseconds since the epoch; tests pass their own clock. */
export const EDGE_CLOCK = Symbol('EDGE_CLOCK');
export type Clock = () => number;
