// apt-get update as apt reports it: exit 100 with E: lines for a repository that cannot be
// fetched, exit 0 with W: lines for one that could not be reached this time.

import { describe, expect, it } from "vitest";
import { enterpriseRepository, parseAptUpdate } from "../../../src/observe/parsers/apt-update.js";

const unauthorized = `Hit:1 http://deb.debian.org/debian bookworm InRelease
Err:2 https://enterprise.proxmox.com/debian/pve bookworm InRelease
  401  Unauthorized [IP: 212.224.123.70 443]
Reading package lists...
`;
const unauthorizedErrors = `E: Failed to fetch https://enterprise.proxmox.com/debian/pve/dists/bookworm/InRelease  401  Unauthorized [IP: 212.224.123.70 443]
E: The repository 'https://enterprise.proxmox.com/debian/pve bookworm InRelease' is not signed.
N: Updating from such a repository can't be done securely, and is therefore disabled by default.
`;

describe("apt-get update", () => {
  it("a 401 from the enterprise repository is an error naming it", () => {
    const update = parseAptUpdate(unauthorized, unauthorizedErrors, 100);
    expect(update.errors).toEqual([
      "Failed to fetch https://enterprise.proxmox.com/debian/pve/dists/bookworm/InRelease 401 Unauthorized [IP: 212.224.123.70 443]",
      "The repository 'https://enterprise.proxmox.com/debian/pve bookworm InRelease' is not signed.",
    ]);
    expect(enterpriseRepository(update.errors[0]!)).toEqual({
      url: "https://enterprise.proxmox.com/debian/pve",
      codename: "bookworm",
      component: "pve-enterprise",
    });
  });

  it("a transient failure only warns, exit 0", () => {
    const update = parseAptUpdate(
      "Hit:1 http://deb.debian.org/debian trixie InRelease\n",
      "W: Failed to fetch http://download.proxmox.com/debian/pve/dists/trixie/InRelease  Temporary failure resolving 'download.proxmox.com'\n",
      0,
    );
    expect(update).toEqual({
      errors: [],
      warnings: [
        "Failed to fetch http://download.proxmox.com/debian/pve/dists/trixie/InRelease Temporary failure resolving 'download.proxmox.com'",
      ],
    });
  });

  it("exit 100 without an E: line is still an error; another exit is not understood", () => {
    expect(parseAptUpdate("", "", 100).errors).toEqual(["apt-get update exited 100 without an E: line"]);
    expect(() => parseAptUpdate("", "", 1)).toThrow("apt-get update exited 1");
  });
});
