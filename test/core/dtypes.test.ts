import { describe, expect, it } from "vitest";
import { np, type DType } from "nabla";
import { errorOf } from "../helpers.js";
import { FIXTURE } from "./np-fixture.js";

// The array API's data type functions against numpy: finfo, iinfo, canCast (every
// casting rule, every pair), resultType (every pair) and isdtype.

const DTYPES: DType[] = ["bool", "int32", "float32", "float64"];

describe("finfo and iinfo match numpy's", () => {
  it.each(["float64", "float32"] as const)("finfo(%s)", (dt) => {
    const info = np.finfo(dt);
    expect({ ...info, dtype: undefined }).toEqual({ ...FIXTURE.dtypes.finfo[dt], dtype: undefined });
    expect(info.dtype).toBe(dt);
    expect(np.finfo(np.zeros([1], { dtype: dt }))).toBe(info);
  });
  it("float32 limits are float32 numbers", () => {
    const f = np.finfo("float32");
    for (const v of [f.eps, f.max, f.tiny, f.smallestSubnormal, f.resolution]) expect(Math.fround(v)).toBe(v);
  });
  it("iinfo(int32)", () => {
    expect(np.iinfo("int32")).toEqual({ dtype: "int32", ...FIXTURE.dtypes.iinfo });
  });
  it("the wrong kind of dtype is an error naming the function", () => {
    expect(errorOf(() => np.finfo("int32"))).toBe("finfo: int32 is not a floating dtype (use iinfo for int32)");
    expect(errorOf(() => np.iinfo("bool"))).toBe("iinfo: bool is not an integer dtype (use finfo for floats)");
    expect(errorOf(() => np.finfo("float16" as DType))).toMatch(/^finfo: dtype "float16" is not one of/);
  });
});

describe("canCast and resultType match numpy for every pair", () => {
  for (const casting of ["no", "equiv", "safe", "same_kind", "unsafe"] as const) {
    it(`canCast with casting ${casting}`, () => {
      for (const a of DTYPES) for (const b of DTYPES) expect(np.canCast(a, b, { casting }), `${a} → ${b}`).toBe(FIXTURE.dtypes.canCast[casting]![a][b]);
    });
  }
  it("canCast is safe by default and takes an Array's dtype", () => {
    expect(np.canCast(np.zeros([1], { dtype: "int32" }), "float32")).toBe(false);
    expect(np.canCast("int32", "float64")).toBe(true);
  });
  it("resultType of two dtypes", () => {
    for (const a of DTYPES) for (const b of DTYPES) expect(np.resultType(a, b), `${a}, ${b}`).toBe(FIXTURE.dtypes.resultType[a][b]);
  });
  it("resultType mixes Arrays, dtypes and weak numbers", () => {
    expect(np.resultType(np.zeros([2], { dtype: "float32" }), 2.5)).toBe("float32");
    expect(np.resultType("int32", 2)).toBe("int32");
    expect(np.resultType("int32", 2.5)).toBe("float64");
    expect(np.resultType(true, false)).toBe("bool");
  });
});

describe("isdtype", () => {
  it.each([
    ["float32", "real floating", true],
    ["float64", "numeric", true],
    ["bool", "numeric", false],
    ["int32", "integral", true],
    ["int32", "signed integer", true],
    ["int32", "unsigned integer", false],
    ["float64", "complex floating", false],
    ["bool", "bool", true],
    ["float32", "float64", false],
    ["int32", ["bool", "integral"], true],
    ["float64", ["bool", "integral"], false],
  ] as const)("isdtype(%s, %j) is %s", (dt, kind, want) => {
    expect(np.isdtype(dt, kind)).toBe(want);
  });
  it("an unknown kind is an error naming the function", () => {
    expect(errorOf(() => np.isdtype("float32", "float"))).toMatch(/^isdtype: kind "float" is not a dtype or one of bool, signed integer/);
    expect(errorOf(() => np.isdtype("float32", "toString"))).toMatch(/^isdtype: kind "toString"/);
  });
});
