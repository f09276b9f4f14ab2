/** The suites that run inside the real extension host, in order. */
export const suites: Array<() => void> = [];
