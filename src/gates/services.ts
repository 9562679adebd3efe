import { unobserved, verdict, type Gate } from "./types.js";

export const servicesGate: Gate = {
  name: "services",
  title: "Declared services healthy (systemd units active, HTTP probes 2xx)",
  needs: (config) => (config.services.length > 0 ? ["services"] : []),
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    if (config.services.length === 0) return verdict(this, [], ["no services declared"]);
    for (const service of config.services) {
      const check = state.services?.find((s) => s.name === service.name);
      if (!check) {
        reasons.push(unobserved(`service ${service.name}`, undefined));
        continue;
      }
      if (!check.result.ok) reasons.push(unobserved(`service ${service.name} (${check.what})`, check.result.error));
      else if (!check.result.value.healthy) {
        const hint = service.kind === "unit" ? `: start it and find out why it did not come up (\`systemctl status ${service.unit}\` on ${service.node})` : "";
        reasons.push(`service ${service.name} (${check.what}): ${check.result.value.detail}${hint}`);
      } else checked.push(`service ${service.name} (${check.what}): ${check.result.value.detail}`);
    }
    return verdict(this, reasons, checked);
  },
};
