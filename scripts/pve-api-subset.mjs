#!/usr/bin/env node
// Writes src/lab/pve/api/pve-<version>.json: the part of Proxmox's generated API schema the lab
// serves, for each call only `permissions`, `returns` and `parameters`, keys sorted, so that the
// same input always gives the same bytes. Plain Node, no dependencies.
//
//   node scripts/pve-api-subset.mjs [DIR]            reads DIR/pve-8.4.2.json and DIR/pve-9.1.3.json
//                                                     (default: $PVE_API_DIR, else ../shared/reference/pve-api)
//   node scripts/pve-api-subset.mjs --pve-docs GIT   reads api-viewer/apidata.js at the pinned commits
//                                                     from a clone of proxmox/pve-docs
//
// The input is Proxmox's own `api-viewer/apidata.js` (proxmox/pve-docs), or the same array as JSON.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "src/lab/pve/api");

/** The snapshots the lab models: PVE version, pve-docs version and commit, file name of the JSON copy. */
const sources = [
  { version: "8.4", pveDocs: "8.4.2", commit: "fa0b4f6ba0eb7c6a77dec8cb6713bb3bbcd83ebc", file: "pve-8.4.2.json" },
  { version: "9.1", pveDocs: "9.1.3", commit: "e5010dcea566a205770572cfbc5fe0af220d5077", file: "pve-9.1.3.json" },
];

/**
 * The calls the lab serves (src/lab/pve/routes.ts), those rollgate makes (src/observe, src/steps),
 * and the few it may: `METHOD path` as the schema spells the path. A call a version lacks
 * (/cluster/ha/rules and a container's migrate precondition are new in 9) is listed in that
 * version's `absent` and named on stderr.
 */
const calls = [
  "GET /version",
  "GET /access/permissions",
  "GET /cluster/status",
  "GET /cluster/config/nodes",
  "GET /cluster/resources",
  "GET /cluster/ha/resources",
  "GET /cluster/ha/groups",
  "GET /cluster/ha/rules",
  "GET /cluster/ha/status/current",
  "GET /cluster/ha/status/manager_status",
  "GET /storage",
  "GET /nodes",
  "GET /nodes/{node}/status",
  "GET /nodes/{node}/version",
  "GET /nodes/{node}/capabilities/qemu/machines",
  "GET /nodes/{node}/apt/update",
  "GET /nodes/{node}/apt/changelog",
  "GET /nodes/{node}/tasks",
  "POST /nodes/{node}/vzdump",
  "GET /nodes/{node}/storage/{storage}/content",
  "GET /nodes/{node}/tasks/{upid}/status",
  "GET /nodes/{node}/tasks/{upid}/log",
  "GET /nodes/{node}/qemu",
  "GET /nodes/{node}/qemu/{vmid}/status/current",
  "GET /nodes/{node}/qemu/{vmid}/migrate",
  "POST /nodes/{node}/qemu/{vmid}/migrate",
  "POST /nodes/{node}/qemu/{vmid}/status/shutdown",
  "POST /nodes/{node}/qemu/{vmid}/status/start",
  "POST /nodes/{node}/qemu/{vmid}/agent/ping",
  "GET /nodes/{node}/lxc",
  "GET /nodes/{node}/lxc/{vmid}/status/current",
  "GET /nodes/{node}/lxc/{vmid}/migrate",
  "POST /nodes/{node}/lxc/{vmid}/migrate",
  "POST /nodes/{node}/lxc/{vmid}/status/shutdown",
  "POST /nodes/{node}/lxc/{vmid}/status/start",
];

const kept = ["parameters", "permissions", "returns"];

function parseSchema(text, name) {
  // apidata.js is `const apiSchema = [ … ]\n;` followed by nothing else; the JSON copies are the bare array.
  const start = text.indexOf("[");
  const end = text.lastIndexOf("]");
  if (start < 0 || end < start) throw new Error(`${name}: no API schema array found`);
  const tree = JSON.parse(text.slice(start, end + 1));
  if (!Array.isArray(tree)) throw new Error(`${name}: the API schema is not an array of tree nodes`);
  return tree;
}

function indexByPath(tree) {
  const byPath = new Map();
  const walk = (node) => {
    byPath.set(node.path, node);
    for (const child of node.children ?? []) walk(child);
  };
  tree.forEach(walk);
  return byPath;
}

function sortedKeys(value) {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys(value[k])]),
  );
}

function subset(tree, source) {
  const byPath = indexByPath(tree);
  const paths = {};
  const missing = [];
  for (const call of calls) {
    const [method, apiPath] = call.split(" ");
    const info = byPath.get(apiPath)?.info?.[method];
    if (!info) {
      missing.push(call);
      continue;
    }
    paths[apiPath] ??= {};
    paths[apiPath][method] = Object.fromEntries(kept.filter((k) => k in info).map((k) => [k, info[k]]));
  }
  if (missing.length > 0) process.stderr.write(`PVE ${source.version}: not in the schema, left out: ${missing.join(", ")}\n`);
  return sortedKeys({
    source: { repository: "proxmox/pve-docs", file: "api-viewer/apidata.js", version: source.pveDocs, commit: source.commit },
    trimmed: `only the calls the lab serves, each with only ${kept.join(", ")}; regenerate with \`npm run pve-api\``,
    // Calls of the list this release does not have: its pveproxy answers 501 for them.
    absent: missing,
    paths,
  });
}

function readSource(source, args) {
  const docs = args.indexOf("--pve-docs");
  if (docs >= 0) {
    const gitDir = args[docs + 1];
    if (!gitDir) throw new Error("--pve-docs needs the path of a proxmox/pve-docs clone");
    return execFileSync("git", ["-C", gitDir, "show", `${source.commit}:api-viewer/apidata.js`], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  const dir = args[0] ?? process.env.PVE_API_DIR ?? path.join(root, "../shared/reference/pve-api");
  return readFileSync(path.join(dir, source.file), "utf8");
}

const args = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
for (const source of sources) {
  const out = path.join(outDir, `pve-${source.version}.json`);
  writeFileSync(out, `${JSON.stringify(subset(parseSchema(readSource(source, args), source.file), source), null, 1)}\n`);
  process.stdout.write(`wrote ${path.relative(root, out)}\n`);
}
