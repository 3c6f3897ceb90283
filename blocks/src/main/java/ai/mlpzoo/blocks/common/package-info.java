/**
 * Building blocks shared by every family: argument checks that fail with a message instead of a
 * native crash, stochastic depth (Huang et al. 2016), timm's initialisers, and the PyTorch-style
 * parameter names ({@code blocks.0.norm1.weight}) under which reference state dicts load name for
 * name. Only {@code ai.djl:api} is needed, so any family can use them.
 */
package ai.mlpzoo.blocks.common;
