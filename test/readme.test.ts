// Every TypeScript example in README.md runs as pasted (and `npm test` type-checks them
// first: scripts/readme-examples.ts writes them into test/readme/ before tsc runs).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeExamples } from "../scripts/readme-examples.js";

const examples = writeExamples();

describe("README.md's TypeScript examples run as pasted", () => {
  // The examples print what they compute; keep the test output readable.
  beforeAll(() => void vi.spyOn(console, "log").mockImplementation(() => {}));
  afterAll(() => vi.restoreAllMocks());

  it("there are examples to run", () => expect(examples.length).toBeGreaterThan(3));
  for (const { file, line } of examples) {
    it(`the block at line ${line}`, async () => {
      await import(file);
    });
  }
});
