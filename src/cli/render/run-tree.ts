// The live view on a terminal: a listr2 tree (preflight, one task per node with the playbook's
// steps, finally) whose tasks wait on the engine's events instead of doing work themselves.
// listr2 writes through the ProcessOutput it is given, so the tree goes to io.stdout, not to
// whatever process.stdout is. The run's summary is printed under the tree once it has finished.

import {
  figures,
  Listr,
  ListrDefaultRendererLogLevels,
  ListrLogger,
  ListrLogLevels,
  ProcessOutput,
  type ListrTask,
  type ListrTaskWrapper,
  type ListrDefaultRenderer,
  type ListrSimpleRenderer,
} from "listr2";
import { flushed, println, type CliIo } from "../io.js";
import type { RunRenderer, RunRendererOptions } from "./run-renderer.js";
import { runEndLines } from "./run-sentences.js";
import { ProgressThrottle } from "./run-throttle.js";
import { RunTreeModel, taskWording, type StepGroup, type StepSlot, type TaskView } from "./run-tree-model.js";
import { colorEnabled, styleFor } from "./style.js";

type Wrapper = ListrTaskWrapper<unknown, ListrDefaultRenderer, ListrSimpleRenderer>;
type Task = ListrTask<unknown, ListrDefaultRenderer, ListrSimpleRenderer>;

function viewOf(task: Wrapper): TaskView {
  return {
    setTitle: (text) => {
      task.title = text;
    },
    setOutput: (text) => {
      task.output = text;
    },
  };
}

function slotTask(slot: StepSlot, compact: boolean): Task {
  return {
    title: slot.title,
    // The last line of a step (the wait it ended on, or its result) stays under it: it says why.
    // On a short terminal only the running step's line is shown, so the node's title stays in view.
    rendererOptions: { persistentOutput: !compact },
    // The steps after a failed one still run in the tree, to be shown as not run.
    exitOnError: false,
    task: async (_ctx, task) => {
      slot.attach(viewOf(task));
      const end = await slot.end.promise;
      if (end.kind === "skip") task.skip(end.message);
      else if (end.kind === "fail") throw new Error(end.message);
      else if (end.note !== "") task.output = end.note;
    },
  };
}

/**
 * The untitled (never drawn) last task of a group: it keeps the group open until the run is past
 * it, and fails the group when the run stopped there, so a stopped node is not shown as done.
 */
function closingTask(group: StepGroup): Task {
  return {
    task: async () => {
      const stoppedBy = await group.over.promise;
      // No message: the failed step already shows it, and listr2's line renderer prints a line for
      // an untitled task's error only when there is one.
      if (stoppedBy !== null) throw new Error("");
    },
  };
}

function groupTask(group: StepGroup, compact: boolean): Task {
  return {
    title: group.title,
    enabled: () => group.visible,
    task: async (_ctx, task) => {
      group.attach(viewOf(task));
      const start = await group.start.promise;
      if (start.kind === "skip") return task.skip(start.message);
      if (start.kind === "fail") throw new Error(start.message);
      return task.newListr([...group.slots.map((slot) => slotTask(slot, compact)), closingTask(group)], { exitOnError: true });
    },
  };
}

const uncolored = (text?: string) => text ?? "";

function loggerFor(io: Pick<CliIo, "stdout" | "stderr">): ListrLogger {
  // ProcessOutput only writes to (and, while rendering, temporarily replaces `write` of) these
  // streams; it is typed for tty.WriteStream but needs nothing of a terminal.
  const processOutput = new ProcessOutput(io.stdout as NodeJS.WriteStream, io.stderr as NodeJS.WriteStream);
  return new ListrLogger({ processOutput, useIcons: true, toStderr: [] });
}

/**
 * Whether the tree must drop the lines under finished steps to fit the terminal: a node's steps
 * with a line each, the other nodes and groups collapsed, and the running step's two lines.
 */
function mustBeCompact(outline: RunRendererOptions["steps"], rows: number | undefined): boolean {
  const roomy = outline.nodes.length + 2 + outline.node.length * 2 + 2;
  return rows !== undefined && rows < roomy;
}

function listrFor(model: RunTreeModel, io: Pick<CliIo, "stdout" | "stderr">, live: boolean, colored: boolean, compact: boolean) {
  const noColor = <Level extends string>(levels: Record<string, Level>) =>
    Object.fromEntries(Object.values(levels).map((level) => [level, uncolored])) as Record<Level, typeof uncolored>;
  return new Listr<unknown, "default", "simple">(
    model.groups.map((group) => groupTask(group, compact)),
    {
      concurrent: false,
      exitOnError: false,
      // The CLI owns SIGINT/SIGTERM: the engine stops at a safe point. listr2's own handler would exit the process at once.
      registerSignalListeners: false,
      renderer: "default",
      fallbackRenderer: "simple",
      fallbackRendererCondition: !live,
      rendererOptions: {
        logger: loggerFor(io),
        collapseSubtasks: true,
        // A long line is cut at the terminal's width rather than wrapped onto rows the tree needs.
        formatOutput: "truncate",
        // listr2 marks a group whose step failed with a red pointer; a stopped node reads better crossed out.
        icon: { [ListrDefaultRendererLogLevels.FAILED_WITH_FAILED_SUBTASKS]: figures.cross },
        ...(colored ? {} : { color: noColor(ListrDefaultRendererLogLevels) }),
      },
      fallbackRendererOptions: {
        logger: loggerFor(io),
        ...(colored ? {} : { color: noColor(ListrLogLevels) }),
      },
    },
  );
}

export function treeRunRenderer(io: CliIo, options: RunRendererOptions): RunRenderer {
  const style = styleFor(io.stdout, io.env, options.color);
  const colored = colorEnabled(io.stdout, io.env, options.color);
  // On a terminal the tree redraws in place; without one, listr2 writes lines, and a wait must not
  // print every poll. listr2 only draws the live tree when process.stdout is a terminal; the tree
  // also needs the stream it is written to to be one.
  const live = Boolean(io.stdout.isTTY) && Boolean(process.stdout.isTTY);
  const throttle = live ? null : new ProgressThrottle();
  let model: RunTreeModel | null = null;
  let tree: Promise<unknown> = Promise.resolve();
  let ticker: NodeJS.Timeout | null = null;

  return {
    onEvent(event) {
      // The tree is built at the first event: run-start carries the order the engine chose.
      if (model === null) {
        model = new RunTreeModel(options.steps, event.type === "run-start" ? event.order : options.steps.nodes, taskWording(live));
        tree = listrFor(model, io, live, colored, live && mustBeCompact(options.steps, io.stdout.rows)).run();
        const shown = model;
        // The node's elapsed time goes on while a step is silent (apt-get, a reboot).
        if (live) ticker = setInterval(() => shown.tick(Date.now()), 1_000).unref();
      }
      if (
        event.type === "step-progress" &&
        throttle &&
        !throttle.admit(`${event.node}\u0000${event.step}`, event.message, Date.parse(event.time))
      )
        return;
      if (event.type === "step-end") throttle?.forget(`${event.node}\u0000${event.step}`);
      model.onEvent(event, options.verbose);
      if (live) model.tick(Date.parse(event.time));
    },
    async finish() {
      if (ticker !== null) clearInterval(ticker);
      if (model === null) return;
      model.closeAll();
      await tree;
      if (model.runEnd) {
        println(io.stdout);
        for (const line of runEndLines(model.runEnd, style)) println(io.stdout, line);
      }
      await flushed(io.stdout);
    },
  };
}
