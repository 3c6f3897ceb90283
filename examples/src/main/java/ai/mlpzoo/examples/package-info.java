/**
 * Runnable demonstrations and experiments, not published: efficient-kan's MNIST example on
 * Fashion-MNIST, the KAN paper's function-fitting example (Liu et al. 2024, arXiv:2404.19756) and
 * an SAE and transcoder experiment on a pretrained zoo Mixer. They show the library used end to end
 * and back the figures quoted in the documentation.
 */
package ai.mlpzoo.examples;
