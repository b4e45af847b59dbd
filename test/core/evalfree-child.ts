// Run by evalfree.test.ts as `node --disallow-code-generation-from-strings --import tsx`:
// reports whether code generation is really forbidden here, then the corpus's results.
import { canGenerateCode } from "../../packages/nabla/src/array/codegen.js";
import { runCorpus } from "./evalfree-corpus.js";

let newFunction = "works";
try {
  new Function("return 1");
} catch (e) {
  newFunction = `throws ${(e as Error).name}`;
}
const run = runCorpus();
process.stdout.write(JSON.stringify({ newFunction, canGenerateCode: canGenerateCode(), ...run }));
