/**
 * Pictures for reading what a model learned: feature grids (the top-activating images of each SAE
 * latent) and KAN edge-function plots, written as PNG with XChart. Kept apart from the zoo so that
 * only users who plot pull in the plotting libraries.
 */
package ai.mlpzoo.analysis;
