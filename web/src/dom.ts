// Typed access to the page's elements and number inputs: a missing or mistyped id fails
// loudly at start-up rather than as an undefined later.

/**
 * The page's element `id`, checked to be of the class `kind` (HTMLElement by default).
 *
 * @example
 * $("map", HTMLCanvasElement).getContext("2d");
 * $("race").dataset.state = "idle";
 */
export function $<T extends HTMLElement>(id: string, kind: new () => T): T;
export function $(id: string): HTMLElement;
export function $(id: string, kind: new () => HTMLElement = HTMLElement): HTMLElement {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`#${id} is missing from the page`);
  return el;
}

/**
 * The `<input>` with this id.
 *
 * @example
 * input("expr").value = "x^2 + y^2";
 */
export function input(id: string): HTMLInputElement {
  return $(id, HTMLInputElement);
}

/**
 * A number input's value, when it is a finite number (and positive, if asked).
 *
 * @example
 * numberInput("lr", true); // 0.1, or undefined for "", "-1" or "abc"
 */
export function numberInput(id: string, positive = false): number | undefined {
  const v = input(id).valueAsNumber;
  return Number.isFinite(v) && (!positive || v > 0) ? v : undefined;
}

/**
 * The values of several number inputs, only when every one is a finite number.
 *
 * @example
 * numberInputs(["px", "py"]); // [0.5, 1], or undefined if either box is not a number
 */
export function numberInputs(ids: readonly string[]): number[] | undefined {
  const values = ids.map((id) => numberInput(id));
  return values.every((v) => v !== undefined) ? values : undefined;
}

/**
 * Calls `listener` when any of the inputs `ids` changes (on Enter or on leaving the box).
 *
 * @example
 * onChange(["px", "py"], () => console.log("the point was typed"));
 */
export function onChange(ids: readonly string[], listener: () => void): void {
  for (const id of ids) $(id).addEventListener("change", listener);
}
