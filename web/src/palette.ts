// Okabe & Ito's colour-blind-safe palette (2008), used for every line and marker; lines
// also differ by dash pattern so no reading depends on colour alone. Text stays near-black
// or the palette's blue (5.1:1 on white, above WCAG AA's 4.5:1).

/** Okabe & Ito's eight colours by name. */
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

/** The contour map's filled bands, lowest and highest: pale, so the palette's lines keep ≥ 3:1 against them. */
export const BAND_LOW: [number, number, number] = [0xdc, 0xea, 0xf5];
export const BAND_HIGH: [number, number, number] = [0xff, 0xfd, 0xf5];

/** Contour lines of f and the gradient field. */
export const CONTOUR = "#5c5c5c";

/** A line's colour and dash pattern (canvas setLineDash; [] for solid). */
export interface LineStyle {
  color: string;
  dash: number[];
}

/** Each racer's colour and dash, from the palette's highest-contrast members. */
export const RACER_STYLE: Record<string, LineStyle & { label: string }> = {
  gd: { color: OKABE_ITO.black, dash: [], label: "GD" },
  momentum: { color: OKABE_ITO.vermillion, dash: [8, 4], label: "momentum" },
  adam: { color: OKABE_ITO.bluishGreen, dash: [2, 3], label: "Adam" },
  newton: { color: OKABE_ITO.blue, dash: [10, 3, 2, 3], label: "Newton" },
  lbfgs: { color: OKABE_ITO.reddishPurple, dash: [4, 2], label: "L-BFGS" },
};

/** Critical points: a shape and a colour per kind. */
export const KIND_STYLE: Record<string, { color: string; shape: "up" | "down" | "cross" | "diamond" }> = {
  minimum: { color: OKABE_ITO.blue, shape: "down" },
  maximum: { color: OKABE_ITO.vermillion, shape: "up" },
  saddle: { color: OKABE_ITO.black, shape: "cross" },
  degenerate: { color: OKABE_ITO.reddishPurple, shape: "diamond" },
};
