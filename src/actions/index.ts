// The implementations behind the step names playbooks use (see src/playbook/registry.ts).

import type { StepName } from "../playbook/registry.js";
import type { Step } from "../run/context.js";
import { aptUpgrade } from "./apt.js";
import { evacuate } from "./evacuate.js";
import { glusterHeal } from "./gluster-heal.js";
import { maintenanceOff, maintenanceOn } from "./maintenance.js";
import { rebootIfNeeded, waitOnline } from "./reboot.js";
import { startGuests } from "./start-guests.js";
import { summary } from "./summary.js";

export const steps: Record<StepName, Step> = {
  evacuate,
  "maintenance-on": maintenanceOn,
  "apt-upgrade": aptUpgrade,
  "reboot-if-needed": rebootIfNeeded,
  "wait-online": waitOnline,
  "maintenance-off": maintenanceOff,
  "gluster-heal": glusterHeal,
  "start-guests": startGuests,
  summary,
};

export { runCommandStep } from "./run-command.js";
