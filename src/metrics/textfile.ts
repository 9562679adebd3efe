// A Prometheus textfile-collector file: the exposition text format (HELP, TYPE, one sample per
// line, label values escaped) written whole or not at all. node_exporter reads every *.prom file in
// its directory on each scrape; a file it reads while half written is dropped or, worse, read as
// fewer series, so the text goes to a draft beside it and rename(2) puts it in place
// (docs/domain/monitoring.md, "The textfile collector").

import { constants } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomically } from "../util/atomic-file.js";
import { UsageError } from "../util/errors.js";

export interface Sample {
  labels?: Record<string, string>;
  /** NaN where the value is unknown (a brick printing `-`): a rule `!= 0` fires on it. */
  value: number;
}

export interface Metric {
  name: string;
  help: string;
  type: "gauge";
  samples: Sample[];
}

/** Exposition format: `\`, `"` and a newline are escaped inside a label value. */
const escapeLabel = (value: string) => value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
/** HELP text escapes `\` and a newline only. */
const escapeHelp = (text: string) => text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

export function renderMetrics(metrics: readonly Metric[]): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.type}`);
    for (const sample of metric.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const labelText = labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
      lines.push(`${metric.name}${labelText} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The collector reads only files named *.prom: any other name would be written and never read. */
export function metricsFileOption(value: string): string {
  if (!value.endsWith(".prom"))
    throw new UsageError(`--metrics-file ${value}: node_exporter's textfile collector reads only files ending in .prom`);
  return value;
}

/** Written whole or not at all: the collector never reads half a file. */
export const writeTextfile = (file: string, text: string): Promise<void> => writeFileAtomically(file, text, 0o644);

/** Before any work: a directory that does not exist or cannot be written is a usage error now, not a lost file later. */
export async function assertWritableDir(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(
      `--metrics-file ${file}: cannot write in ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}
