// The named steps playbooks compose, each one block in its own file.

import { aptUpgrade } from "./apt-upgrade.js";
import type { Step } from "./contract.js";
import { evacuate } from "./evacuate.js";
import { glusterHeal } from "./gluster-heal.js";
import { glusterOpVersion } from "./gluster-op-version.js";
import { glusterRejoin } from "./gluster-rejoin.js";
import { haSpreadRule } from "./ha-spread-rule.js";
import { maintenanceOff } from "./maintenance-off.js";
import { maintenanceOn } from "./maintenance-on.js";
import { rebootIfNeeded } from "./reboot-if-needed.js";
import { sourcesTrixie } from "./sources-trixie.js";
import { startGuests } from "./start-guests.js";
import { summary } from "./summary.js";
import { upgradeToPve9 } from "./upgrade-to-9.js";
import { waitOnline } from "./wait-online.js";

export const steps = {
  evacuate,
  "maintenance-on": maintenanceOn,
  "apt-upgrade": aptUpgrade,
  "upgrade-to-9": upgradeToPve9,
  "sources-trixie": sourcesTrixie,
  "reboot-if-needed": rebootIfNeeded,
  "wait-online": waitOnline,
  "maintenance-off": maintenanceOff,
  "gluster-heal": glusterHeal,
  "gluster-op-version": glusterOpVersion,
  "gluster-rejoin": glusterRejoin,
  "ha-spread-rule": haSpreadRule,
  "start-guests": startGuests,
  summary,
} satisfies Record<string, Step<unknown>>;

export type StepName = keyof typeof steps;

export const stepNames = Object.keys(steps) as [StepName, ...StepName[]];

export { runCommandStep, type RunCommandEntry } from "./run-command.js";
export type { Step, StepContext, RunFacts, TakeDown } from "./contract.js";
