import { describe, expect, it } from "vitest";
import { summary } from "../../src/cli/commands/delete-expired.ts";
import { progressBar, renderBar } from "../../src/cli/progress.ts";
import { captured } from "./support.ts";

describe("cli progress", () => {
  it("renders a bar with grouped numbers", () => {
    expect(renderBar({ deleted: 7000, total: 10000 }, 10)).toBe(
      "[#######...] 7,000/10,000 guests deleted",
    );
    expect(renderBar({ deleted: 0, total: 0 }, 4)).toBe("[####] 0/0 guests deleted");
    expect(renderBar({ deleted: 12, total: 10 }, 4)).toBe("[####] 12/10 guests deleted");
  });

  it("draws nothing when the output is not a terminal", () => {
    const output = captured(false);
    const progress = progressBar(output);
    progress.update({ deleted: 1, total: 2 });
    progress.update({ deleted: 2, total: 2 });
    progress.clear();
    expect(output.text()).toBe("");
  });

  it("redraws at most every interval, always the last frame, then clears", () => {
    const output = captured(true);
    let now = 0;
    const progress = progressBar(output, { interval: 100, now: () => now });
    progress.update({ deleted: 1, total: 4 });
    now = 50;
    progress.update({ deleted: 2, total: 4 });
    now = 150;
    progress.update({ deleted: 3, total: 4 });
    now = 160;
    progress.update({ deleted: 4, total: 4 });
    progress.clear();
    const frames = output.text().split("\r").filter(Boolean);
    expect(frames.map((frame) => /\d+\/4/.exec(frame)?.[0] ?? frame)).toEqual([
      "1/4",
      "3/4",
      "4/4",
      "\x1b[2K",
    ]);
  });

  it("clears nothing when nothing was drawn", () => {
    const output = captured(true);
    progressBar(output).clear();
    expect(output.text()).toBe("");
  });

  it("summarises a run", () => {
    expect(
      summary({ deleted: 10000, expired: 10000, kept: 0, sessionsDeleted: 3, dryRun: false }),
    ).toBe("Deleted 10000 expired guests (and 3 expired sessions).");
    expect(summary({ deleted: 1, expired: 1, kept: 0, sessionsDeleted: 1, dryRun: false })).toBe(
      "Deleted 1 expired guest (and 1 expired session).",
    );
    expect(summary({ deleted: 0, expired: 10000, kept: 0, sessionsDeleted: 0, dryRun: true })).toBe(
      "Dry run: 10000 expired guests would be deleted.",
    );
  });
});
