// Reading the SVG the plots write, for the plot tests: linkedom's DOM (the project compiles
// without the DOM lib, so the few members read are typed here).
import { DOMParser } from "linkedom";

/** The elements read from a parsed SVG. */
export interface SvgNode {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): SvgNode[];
  querySelector(selector: string): SvgNode | null;
  children: ArrayLike<SvgNode>;
  tagName: string;
  textContent: string | null;
}

/** The root element of an SVG document. */
export function parseSvg(svg: string): SvgNode {
  return new DOMParser().parseFromString(svg, "image/svg+xml").documentElement as unknown as SvgNode;
}
