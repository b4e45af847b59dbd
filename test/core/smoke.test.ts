import { describe, expect, it } from "vitest";
import { np } from "../../src/index.js";

describe("np.array", () => {
  it("reads back what it was given", () => {
    expect(np.array([[1, 2], [3, 4]]).toArray()).toEqual([[1, 2], [3, 4]]);
  });
});
