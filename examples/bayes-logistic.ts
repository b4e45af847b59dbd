// Bayesian logistic regression on a small synthetic data set, two ways. The model:
// θ = (w₁, w₂, b) ~ N(0, 2²·I), y | x ~ Bernoulli(σ(w·x + b)), n points. The Laplace
// approximation (bayes.laplace) gives a Gaussian at the posterior mode and the log
// evidence log p(y | X); importance sampling with that Gaussian (widened) as proposal
// checks the evidence and gives the exact posterior mean; NUTS (bayes.nuts, 4 chains)
// samples the exact posterior. The posterior means and standard deviations, the evidence,
// and the predictive probability p(y = 1 | x) at a few new points are printed side by
// side: the Laplace predictive by the probit approximation σ(μ/√(1 + π·s²/8)), NUTS's as
// the mean of σ over its draws. With 60 points the posterior is visibly skewed: the
// Laplace Gaussian sits at the mode, which lies short of the posterior mean in |w|.
// Run: npm run example -- bayes-logistic  (NABLA_EXAMPLE_SMALL=1: fewer draws.)
import { bayes, integrate, np, random, stats, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const N = 60;
const PRIOR_SD = 2;
const NAMES = ["w₁", "w₂", "b"];

// The data: two features, labels from θ_true = (1.5, −1, 0.5).
const [kx, ky] = random.split(random.key(3));
const X = random.normal(kx!, [N, 2]);
const y = random.bernoulli(ky!, np.sigmoid(np.add(np.matmul(X, np.array([1.5, -1])), 0.5))).astype("float64");

/** log p(y, θ | X) for θ = [w₁, w₂, b]. */
function logJoint(theta: Array): Array {
  const z = np.add(np.matmul(X, theta.slice([0, 2])), theta.slice(2));
  const likelihood = np.sum(np.sub(np.mul(y, z), np.softplus(z)));
  return likelihood.add(np.sum(stats.norm.logpdf(theta, 0, PRIOR_SD)));
}

// Laplace: the mode, the covariance, the evidence.
const lap = bayes.laplace(logJoint, np.zeros([3]));
if (lap.success.item() !== 1) throw new Error(`laplace: ${lap.message}`);
const lapMean = lap.mode.toArray() as number[];
const lapSd = np.sqrt(np.diag(lap.covariance)).toArray() as number[];

// The evidence by importance sampling from the Laplace Gaussian, its covariance widened by
// 1.5² so that the proposal's tails cover the posterior's.
const wide = np.mul(2.25, lap.covariance);
const proposal = {
  sample: (key: Array, n: number) => random.multivariateNormal(key, lap.mode, wide, [n]),
  logDensity: (theta: Array) => stats.multivariateNormal.logpdf(theta, lap.mode, wide),
};
const is = integrate.importanceSampling(logJoint, proposal, small ? 20_000 : 200_000, { key: random.key(5), f: (theta: Array) => theta });
const isMean = is.estimate!.toArray() as number[];

// NUTS on the same log joint.
const draws = small ? 400 : 2000;
const mcmc = bayes.nuts(logJoint, np.zeros([3]), { key: random.key(8), chains: 4, samples: draws, warmup: small ? 300 : 1000 });
const flat = np.reshape(mcmc.samples, [-1, 3]);
const nutsMean = np.mean(flat, { axis: 0 }).toArray() as number[];
const nutsSd = np.std(flat, { axis: 0 }).toArray() as number[];

console.log(`Bayesian logistic regression, ${N} points, prior N(0, ${PRIOR_SD}²)`);
console.log(`\n        Laplace            NUTS (4 chains × ${draws})                importance sampling`);
console.log("        mode     sd        mean     sd      R̂       ESS     mean");
const rhat = mcmc.rhat.toArray() as number[];
const ess = mcmc.ess.toArray() as number[];
NAMES.forEach((name, i) => {
  const cells = [lapMean[i]!, lapSd[i]!, nutsMean[i]!, nutsSd[i]!].map((v) => v.toFixed(3).padStart(7));
  console.log(`${name.padEnd(4)} ${cells[0]}  ${cells[1]}    ${cells[2]}  ${cells[3]}   ${rhat[i]!.toFixed(3)}  ${ess[i]!.toFixed(0).padStart(6)}  ${isMean[i]!.toFixed(3).padStart(7)}`);
});
console.log(`NUTS: acceptance ${mcmc.acceptanceRate.map((a) => a.toFixed(2)).join(", ")}; divergences ${mcmc.divergences.reduce((s, d) => s + d, 0)}; ${mcmc.gradientEvaluations} gradient evaluations`);

const lapEvidence = lap.logEvidence.item();
const isEvidence = is.logZ.item();
console.log(`\nlog evidence: Laplace ${lapEvidence.toFixed(4)}, importance sampling ${isEvidence.toFixed(4)} ± ${is.logZStderr.item().toFixed(4)} (ESS ${is.ess.item().toFixed(0)})`);

// The predictive p(y = 1 | x) at new points.
const points = np.array([[0, 0], [1, 1], [2, -1], [-1.5, 0.5]]);
const features = np.concatenate([points, np.ones([4, 1])], { axis: 1 });
const mu = np.matmul(features, lap.mode);
const s2 = np.sum(np.mul(np.matmul(features, lap.covariance), features), { axis: 1 });
const probit = np.sigmoid(np.div(mu, np.sqrt(np.add(1, np.mul(Math.PI / 8, s2))))).toArray() as number[];
const nutsPredictive = np.mean(np.sigmoid(np.matmul(flat, features.T)), { axis: 0 }).toArray() as number[];
console.log("\npredictive p(y = 1 | x):\n  x             Laplace (probit)   NUTS");
(points.toArray() as number[][]).forEach((p, i) =>
  console.log(`  (${p.map((v) => v.toFixed(1).padStart(4)).join(", ")})   ${probit[i]!.toFixed(3).padStart(10)}   ${nutsPredictive[i]!.toFixed(3).padStart(8)}`),
);

// The claims: NUTS converged and its posterior means agree with importance sampling's
// (an independent exact estimate) within their Monte Carlo errors; the Laplace predictive
// is within 0.05 of the exact one (its Gaussian is too narrow in the skewed tail, so not
// closer); and the Laplace evidence is within 0.1 nats of the importance-sampling estimate.
if (!(mcmc.summary.maxRhat < 1.01)) throw new Error(`NUTS has not converged: max R̂ ${mcmc.summary.maxRhat}`);
NAMES.forEach((name, i) => {
  const error = Math.hypot(nutsSd[i]! / Math.sqrt(ess[i]!), nutsSd[i]! / Math.sqrt(is.ess.item()));
  if (Math.abs(isMean[i]! - nutsMean[i]!) > 4 * error) throw new Error(`${name}: NUTS mean ${nutsMean[i]} vs importance sampling ${isMean[i]} (MC error ${error})`);
});
probit.forEach((p, i) => {
  if (Math.abs(p - nutsPredictive[i]!) > 0.05) throw new Error(`predictive at point ${i}: Laplace ${p} vs NUTS ${nutsPredictive[i]}`);
});
if (Math.abs(lapEvidence - isEvidence) > 0.1 + 4 * is.logZStderr.item()) throw new Error(`evidence: Laplace ${lapEvidence} vs importance sampling ${isEvidence}`);
console.log(
  `checks passed: R̂ ≤ ${mcmc.summary.maxRhat.toFixed(3)}; NUTS and importance sampling agree on the posterior means; ` +
    `Laplace's predictions are within 0.05 and its evidence within ${Math.abs(lapEvidence - isEvidence).toFixed(3)} nats`,
);
