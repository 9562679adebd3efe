// Which facets a set of gates needs, and their verdicts over one observation.

import type { Config } from "../config/index.js";
import type { ClusterState, Facet } from "../observe/state.js";
import { gates } from "./index.js";
import { rootCausesFirst } from "./root-causes.js";
import type { GateName, Verdict } from "./types.js";

export function facetsFor(config: Config, names: readonly GateName[]): Set<Facet> {
  return new Set(names.flatMap((name) => gates[name].needs(config)));
}

export function evaluateGates(config: Config, state: ClusterState, names: readonly GateName[]): Verdict[] {
  return rootCausesFirst(
    config,
    state,
    names.map((name) => gates[name].evaluate({ config, state, target: state.target })),
  );
}

/** Facets that need the PVE API (the others need only SSH). */
export const apiFacets: ReadonlySet<Facet> = new Set<Facet>([
  "pve",
  "guests",
  "ha",
  "haConfig",
  "permissions",
  "packages",
  "constraints",
  "qemu",
  "storage",
]);
