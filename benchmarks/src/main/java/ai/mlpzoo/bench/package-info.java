/**
 * Speed and memory benchmarks of the mlp-zoo families ({@code mlpzoo bench}): a plain harness
 * (warm-up, then N timed steps, median) over the cases of {@link ai.mlpzoo.bench.Cases}.
 */
package ai.mlpzoo.bench;
