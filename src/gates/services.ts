import type { ServiceConfig } from "../config/index.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

/** "celery.service active on pve1", "https://dashboard.example/health HTTP 200": the service as what was seen of it. */
function seenAs(service: ServiceConfig, detail: string): string {
  return service.kind === "unit" ? `${service.unit} ${detail} on ${service.node}` : `${service.url} ${detail}`;
}

export const servicesGate: Gate = {
  name: "services",
  title: "Declared services healthy (systemd units active, HTTP probes 2xx)",
  needs: (config) => (config.services.length > 0 ? ["services"] : []),
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    if (config.services.length === 0) return verdict(this, "no services declared", [], ["no services declared"]);
    // Services with something to say first, so a long list cut short still shows them.
    const unwell: string[] = [];
    const well: string[] = [];
    for (const service of config.services) {
      const check = state.services?.find((s) => s.name === service.name);
      if (!check) {
        reasons.push(unobserved(`service ${service.name}`, undefined));
        unwell.push(seenAs(service, "unknown (not read)"));
        continue;
      }
      if (!check.result.ok) {
        reasons.push(unobserved(`service ${service.name} (${check.what})`, check.result.error));
        unwell.push(seenAs(service, "unknown (check failed)"));
      } else if (!check.result.value.healthy) {
        const hint =
          service.kind === "unit"
            ? `: start it and find out why it did not come up (\`systemctl status ${service.unit}\` on ${service.node})`
            : "";
        reasons.push(`service ${service.name} (${check.what}): ${check.result.value.detail}${hint}`);
        unwell.push(seenAs(service, check.result.value.detail));
      } else {
        checked.push(`service ${service.name} (${check.what}): ${check.result.value.detail}`);
        well.push(seenAs(service, check.result.value.detail));
      }
    }
    return verdict(this, listed([...unwell, ...well]), reasons, checked);
  },
};
