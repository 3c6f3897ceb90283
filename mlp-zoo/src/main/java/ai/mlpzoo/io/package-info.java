/**
 * File formats and file safety for model directories: safetensors read and written with its header
 * checked against the file (a truncated file fails with a message, not inside the engine), and
 * atomic writes so that a killed process never leaves a half-written model or checkpoint.
 */
package ai.mlpzoo.io;
