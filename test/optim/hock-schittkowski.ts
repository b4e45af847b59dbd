// Problems from W. Hock & K. Schittkowski, "Test Examples for Nonlinear Programming Codes",
// Lecture Notes in Economics and Mathematical Systems 187, Springer 1981, as data: f, the
// constraints (scipy's convention: "ineq" means fun(x) ≥ 0), bounds, x0, and the
// published optimum f* and x* (the book's figures). hs-scipy.py has the same problems.
import { np, type Array, type optim } from "nabla";

type Constraint<T> = optim.Constraint<T>;

export interface HSProblem {
  name: string;
  f: (x: Array) => Array;
  constraints: Constraint<Array>[];
  /** [lo, hi] for x0's one leaf, or none. */
  bounds?: readonly [Array, Array];
  x0: number[];
  fStar: number;
  xStar: number[];
  /** What kinds of constraints the problem mixes, for test names. */
  kinds: string;
}

const at = (x: Array, i: number) => np.take(x, i);
const inf = Infinity;

export const hsProblems: HSProblem[] = [
  {
    name: "HS 6",
    kinds: "one equality",
    f: (x) => np.square(np.sub(1, at(x, 0))),
    constraints: [{ type: "eq", fun: (x) => np.mul(10, np.sub(at(x, 1), np.square(at(x, 0)))) }],
    x0: [-1.2, 1],
    fStar: 0,
    xStar: [1, 1],
  },
  {
    name: "HS 7",
    kinds: "one equality",
    f: (x) => np.sub(np.log1p(np.square(at(x, 0))), at(x, 1)),
    constraints: [{ type: "eq", fun: (x) => np.sub(np.add(np.square(np.add(1, np.square(at(x, 0)))), np.square(at(x, 1))), 4) }],
    x0: [2, 2],
    fStar: -Math.sqrt(3),
    xStar: [0, Math.sqrt(3)],
  },
  {
    name: "HS 21",
    kinds: "linear inequality and bounds, x0 outside the box",
    f: (x) => np.sub(np.add(np.mul(0.01, np.square(at(x, 0))), np.square(at(x, 1))), 100),
    constraints: [{ type: "ineq", fun: (x) => np.sub(np.sub(np.mul(10, at(x, 0)), at(x, 1)), 10) }],
    bounds: [np.array([2, -50]), np.array([50, 50])],
    x0: [-1, -1],
    fStar: -99.96,
    xStar: [2, 0],
  },
  {
    name: "HS 35",
    kinds: "linear inequality and lower bounds",
    f: (x) => {
      const [a, b, c] = [at(x, 0), at(x, 1), at(x, 2)];
      const linear = np.add(np.add(np.mul(-8, a), np.mul(-6, b)), np.mul(-4, c));
      const squares = np.add(np.add(np.mul(2, np.square(a)), np.mul(2, np.square(b))), np.square(c));
      return np.add(np.add(np.add(9, linear), squares), np.add(np.mul(2, np.mul(a, b)), np.mul(2, np.mul(a, c))));
    },
    constraints: [{ type: "ineq", fun: (x) => np.sub(3, np.dot(np.array([1, 1, 2]), x)) }],
    bounds: [np.zeros([3]), np.array([inf, inf, inf])],
    x0: [0.5, 0.5, 0.5],
    fStar: 1 / 9,
    xStar: [4 / 3, 7 / 9, 4 / 9],
  },
  {
    name: "HS 43",
    kinds: "three nonlinear inequalities as one vector constraint",
    f: (x) => np.add(np.dot(np.array([1, 1, 2, 1]), np.square(x)), np.dot(np.array([-5, -5, -21, 7]), x)),
    constraints: [
      {
        type: "ineq",
        fun: (x) => {
          const sq = np.square(x);
          return np.stack([
            np.sub(8, np.add(np.sum(sq), np.dot(np.array([1, -1, 1, -1]), x))),
            np.sub(10, np.add(np.dot(np.array([1, 2, 1, 2]), sq), np.dot(np.array([-1, 0, 0, -1]), x))),
            np.sub(5, np.add(np.dot(np.array([2, 1, 1, 0]), sq), np.dot(np.array([2, -1, 0, -1]), x))),
          ]);
        },
      },
    ],
    x0: [0, 0, 0, 0],
    fStar: -44,
    xStar: [0, 1, 2, -1],
  },
  {
    name: "HS 65",
    kinds: "nonlinear inequality and bounds, x0 outside the box",
    f: (x) => {
      const [a, b, c] = [at(x, 0), at(x, 1), at(x, 2)];
      return np.add(np.add(np.square(np.sub(a, b)), np.div(np.square(np.sub(np.add(a, b), 10)), 9)), np.square(np.sub(c, 5)));
    },
    constraints: [{ type: "ineq", fun: (x) => np.sub(48, np.sum(np.square(x))) }],
    bounds: [np.array([-4.5, -4.5, -5]), np.array([4.5, 4.5, 5])],
    x0: [-5, 5, 0],
    fStar: 0.9535288567,
    xStar: [3.650461821, 3.65046168, 4.6204170507],
  },
  {
    name: "HS 71",
    kinds: "nonlinear inequality, nonlinear equality and bounds",
    f: (x) => {
      const [a, b, c, d] = [at(x, 0), at(x, 1), at(x, 2), at(x, 3)];
      return np.add(np.mul(np.mul(a, d), np.add(np.add(a, b), c)), c);
    },
    constraints: [
      { type: "ineq", fun: (x) => np.sub(np.prod(x), 25) },
      { type: "eq", fun: (x) => np.sub(np.sum(np.square(x)), 40) },
    ],
    bounds: [np.ones([4]), np.full([4], 5)],
    x0: [1, 5, 5, 1],
    fStar: 17.0140173,
    xStar: [1, 4.7429994, 3.8211503, 1.3794082],
  },
];
