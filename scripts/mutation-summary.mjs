#!/usr/bin/env node
// Writes reports/mutation.md from StrykerJS's JSON report (reports/mutation/mutation.json, the
// mutation-testing-report-schema): the score per file, as Stryker counts it (killed and timed-out
// mutants over all that ran or had no test), and every mutant that survived, with where and what.
// The goal is in stryker.config.mjs's thresholds; README's Testing section quotes the totals.

import { readFile, writeFile } from "node:fs/promises";

const report = JSON.parse(await readFile("reports/mutation/mutation.json", "utf8"));
const detected = new Set(["Killed", "Timeout"]);
const counted = new Set(["Killed", "Timeout", "Survived", "NoCoverage"]);

const rows = [];
const survivors = [];
const total = { detected: 0, counted: 0 };
for (const [file, { mutants, source }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const lines = source.split("\n");
  const tally = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0 };
  for (const m of mutants) {
    tally[m.status] = (tally[m.status] ?? 0) + 1;
    if (m.status === "Survived" || m.status === "NoCoverage") {
      const line = m.location.start.line;
      const code = (lines[line - 1] ?? "").trim().slice(0, 100);
      survivors.push(
        `| ${file}:${line} | ${m.mutatorName} | ${m.status === "NoCoverage" ? "no test runs it" : "survived"} | \`${code.replaceAll("|", "\\|")}\` → \`${String(
          m.replacement ?? "",
        )
          .replaceAll("\n", " ")
          .slice(0, 60)
          .replaceAll("|", "\\|")}\` |`,
      );
    }
  }
  const det = mutants.filter((m) => detected.has(m.status)).length;
  const cnt = mutants.filter((m) => counted.has(m.status)).length;
  total.detected += det;
  total.counted += cnt;
  rows.push(
    `| ${file} | ${cnt === 0 ? "-" : ((100 * det) / cnt).toFixed(1)}% | ${tally.Killed} | ${tally.Timeout} | ${tally.Survived} | ${tally.NoCoverage} | ${tally.Ignored} |`,
  );
}

const score = total.counted === 0 ? 0 : (100 * total.detected) / total.counted;
const text = `# Mutation testing (\`npm run test:mutation\`)

Written by scripts/mutation-summary.mjs from StrykerJS's report of ${new Date().toISOString().slice(0, 10)}.
Score: killed and timed-out mutants over every mutant that ran or had no test; ignored ones
(stryker.config.mjs, each with its reason) are not counted. Total: **${score.toFixed(1)}%**
(${total.detected} of ${total.counted}).

| file | score | killed | timeout | survived | no coverage | ignored |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

## Surviving mutants (${survivors.length})

| where | mutator | status | code → replacement |
| --- | --- | --- | --- |
${survivors.join("\n")}
`;
await writeFile("reports/mutation.md", text);
console.log(`reports/mutation.md: ${score.toFixed(1)}% (${total.detected}/${total.counted}), ${survivors.length} survivors`);
