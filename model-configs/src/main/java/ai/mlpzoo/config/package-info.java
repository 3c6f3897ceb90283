/**
 * Architectures as data: one Jackson-bound config per family (Mixer/ResMLP/gMLP, KANs, KAT, sparse
 * coders), named after the reference's constructor arguments, read from and written to a model
 * directory's {@code architecture.json}, plus the named variants. A config that cannot describe a
 * model fails with the offending field named.
 */
package ai.mlpzoo.config;
