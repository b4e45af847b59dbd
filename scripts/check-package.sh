#!/usr/bin/env bash
# What a user of the packages gets: build both, pack them, install the tarballs into an
# empty project, and use them from ESM, CommonJS, TypeScript and the command line. Run by
# CI after the tests (it needs the npm registry for the CLI's own dependencies).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tsc="$root/node_modules/.bin/tsc"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
npm run build --silent >/dev/null
npm pack --workspace=nabla --workspace=nabla-cli --pack-destination "$work" --silent >/dev/null
cd "$work"
npm init -y >/dev/null
npm pkg set type=commonjs >/dev/null

echo "== npm install nabla (the library alone)"
npm install --no-audit --no-fund ./nabla-[0-9]*.tgz >/dev/null
installed=$(ls node_modules | grep -v '^\.' | tr '\n' ' ')
echo "installed: $installed($(du -sk node_modules | cut -f1) kB)"
[ "$installed" = "nabla " ] || { echo "check-package: the library pulled in more than itself: $installed"; exit 1; }

echo "== ESM"
cat > esm.mjs <<'JS'
import assert from "node:assert/strict";
import { np, grad } from "nabla";
const g = grad((x) => x.mul(x).sum())(np.array([1, 2]));
assert.deepEqual(g.toArray(), [2, 4]);
console.log("import works:", String(g));
JS
node esm.mjs

echo "== CommonJS"
cat > cjs.cjs <<'JS'
const assert = require("node:assert/strict");
const { np, grad, minimize } = require("nabla");
const r = minimize((x) => x.sub(3).square().sum(), np.array([0, 0]), { method: "newton" });
assert.equal(r.status, "converged");
r.x.toArray().forEach((v) => assert.ok(Math.abs(v - 3) < 1e-12, `x = ${v}`));
console.log("require works:", String(r.x), JSON.stringify({ x: r.x }));
JS
node cjs.cjs

echo "== TypeScript (ESM and CommonJS consumers, strict)"
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "ES2022", "noEmit": true, "types": [] }, "files": ["consumer.mts", "consumer.cts"] }
JSON
cat > consumer.mts <<'TS'
import { np, grad, type Array } from "nabla";
const loss = (p: { w: Array; b: Array }, x: Array) => p.w.mul(x).add(p.b).square().sum();
const g = grad(loss)({ w: np.array([1, 2]), b: np.array(0) }, np.array([3, 4]));
const w: Array = g.w;
// @ts-expect-error a typo in a gradient's key is a compile error
g.ww;
export { w };
TS
cat > consumer.cts <<'TS'
import nabla = require("nabla");
const x: nabla.Array = nabla.np.array([1, 2]);
export = x;
TS
"$tsc" -p tsconfig.json
echo "types check"

echo "== npm install nabla-cli (the command)"
npm install --no-audit --no-fund ./nabla-cli-[0-9]*.tgz >/dev/null
npx --no-install nabla grad "x^2*y + y^3" --at x=1,y=2
npx --no-install nabla minimize "(1-x)^2 + 100*(y-x^2)^2" --from -1.2,1 --plot rosenbrock.png | tail -1
[ -s rosenbrock.png ] || { echo "check-package: no PNG written"; exit 1; }
# The PNG's text is drawn in these, not in system fonts: they must ship with the command.
for f in DejaVuSans.ttf DejaVuSans-Bold.ttf LICENSE-DejaVu.txt; do
  [ -s "node_modules/nabla-cli/fonts/$f" ] || { echo "check-package: fonts/$f is missing from nabla-cli"; exit 1; }
done
echo "with the command: $(ls node_modules | grep -v '^\.' | wc -l) packages, $(du -sk node_modules | cut -f1) kB"
echo "check-package: ok"
