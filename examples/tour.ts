// `npm start`: a short tour of nabla's arrays. (The full calculus tour arrives with the CLI.)
import { np, random, tree } from "../src/index.js";

const show = (label: string, value: unknown) => console.log(`${label}\n${String(value)}\n`);

const x = np.array([[1, 2], [3, 4]]);
show("x = np.array([[1, 2], [3, 4]])", x);
show("x.mul(2).add(1)", x.mul(2).add(1));
show("broadcasting: x + [10, 20]", x.add(np.array([10, 20])));
show("np.sum(x, {axis: 0}), x.mean(), x.max({axis: 1})", [np.sum(x, { axis: 0 }), x.mean(), x.max({ axis: 1 })].join("  "));
show("np.matmul(x, x)", np.matmul(x, x));
show("x.slice(null, 1) — numpy's x[:, 1]", x.slice(null, 1));
show("x.at(0, 1).set(9) — a new array; x is unchanged", x.at(0, 1).set(9));
show("np.logsumexp([1000, 1000]) = 1000 + log 2, no overflow", np.logsumexp(np.array([1000, 1000])));
show("np.einsum('ij,jk->ik', x, np.eye(2))", np.einsum("ij,jk->ik", x, np.eye(2)));
const [k1, k2] = random.split(random.key(0));
show("random.normal(k1, [4]) — the same on every machine for seed 0", random.normal(k1!, [4]));
show("random.permutation(k2, 6)", random.permutation(k2!, 6));
const params = { W: np.ones([2, 2]), b: np.zeros([2]) };
show("tree.map over {W, b}: p − 0.1·p", JSON.stringify(tree.map((p: np.ArrayLike) => np.mul(p, 0.9).toArray(), params)));
