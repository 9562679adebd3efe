// The named steps a playbook can use, with the titles a sysadmin sees. Their implementations are
// in src/actions; gates are in src/gates.

export const stepTitles = {
  evacuate: "Move running guests off the node (critical groups first)",
  "maintenance-on": "Put the node in HA maintenance mode",
  "apt-upgrade": "apt-get update and dist-upgrade (non-interactive, keep old conffiles)",
  "reboot-if-needed": "Reboot if a new kernel is installed (proved by a new boot id)",
  "wait-online": "Wait for the node: SSH, API online, cluster quorate",
  "maintenance-off": "Take the node out of HA maintenance mode",
  "gluster-heal": "Trigger Gluster self-heal and wait until fully healed, steadily",
  "start-guests": "Start the guests that were shut down for the upgrade",
  summary: "Summary",
} as const;

export type StepName = keyof typeof stepTitles;

export const stepNames = Object.keys(stepTitles) as [StepName, ...StepName[]];
