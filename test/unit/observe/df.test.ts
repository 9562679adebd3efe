// df over / and /boot, from captures of GNU coreutils 9.1 (test/fixtures/df/README.md): /boot on
// the root file system is no second check; a /boot of its own is; anything not that command's
// output is an error, never a number.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDf } from "../../../src/observe/parsers/df.js";

const capture = (name: string) => readFileSync(new URL(`../../fixtures/df/${name}`, import.meta.url), "utf8");

describe("df -B1 --output=file,avail,size,target / /boot", () => {
  it("/boot on the root file system: df names / as its mount point, and there is only /", () => {
    expect(parseDf(capture("same-fs.txt"))).toEqual({
      root: { mountPoint: "/", availBytes: 85_069_209_600, sizeBytes: 270_553_174_016 },
      boot: null,
    });
  });

  it("a /boot of its own, empty and nearly full", () => {
    expect(parseDf(capture("separate-boot.txt")).boot).toEqual({ mountPoint: "/boot", availBytes: 473_272_320, sizeBytes: 510_873_600 });
    expect(parseDf(capture("boot-full.txt")).boot).toEqual({ mountPoint: "/boot", availBytes: 127_242_240, sizeBytes: 510_873_600 });
  });

  it("a mount point holding spaces stays whole (it is the last column)", () => {
    const text = capture("separate-boot.txt").replace("   473272320    510873600 /boot", "   473272320    510873600 /mnt/old boot");
    expect(parseDf(text).boot?.mountPoint).toBe("/mnt/old boot");
  });

  it.each([
    ["a path df could not stat has no line", capture("boot-missing.txt"), "df printed no line for /boot"],
    ["nothing at all", "", 'df printed no header of its own: ""'],
    ["another df's columns", "Filesystem     1K-blocks     Used Available Use% Mounted on\n", "df printed no header of its own"],
    [
      "a line cut short",
      `${capture("same-fs.txt").split("\n").slice(0, 2).join("\n")}\n/boot 850692\n`,
      'df printed an unexpected line: "/boot 850692"',
    ],
    ["a line twice", `${capture("same-fs.txt")}${capture("same-fs.txt").split("\n")[2]}\n`, "df printed an unexpected line"],
    [
      "a third file system",
      capture("same-fs.txt").replace(/\n$/, "\n/var  85069209600 270553174016 /\n"),
      "df printed lines for /, /boot, /var, not for / and /boot only",
    ],
  ])("%s: an error, never a number", (_what, text, error) => {
    expect(() => parseDf(text)).toThrow(error);
  });
});
