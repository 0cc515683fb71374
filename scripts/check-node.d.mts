/** True when `version` (e.g. `v20.19.2`) satisfies the npm `range` (see check-node.mjs). */
export function satisfies(version: string, range: string): boolean;
