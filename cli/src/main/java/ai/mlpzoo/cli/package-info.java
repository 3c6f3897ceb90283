/**
 * The {@code mlpzoo} command line (picocli): import reference checkpoints, list the zoo, predict,
 * evaluate, train classifiers and sparse coders, export ONNX, benchmark and serve. Each subcommand
 * is a thin layer over the library modules and reports failures as one line naming the input to
 * fix.
 */
package ai.mlpzoo.cli;
