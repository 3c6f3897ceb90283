/**
 * The result studies of sparse autoencoders and transcoders on a text transformer (issue 16 item
 * 5): per-layer TopK SAEs against one multi-layer SAE, Matryoshka against plain BatchTopK,
 * transcoders spliced in place of each MLP, and the heads an attention-output SAE's features come
 * from. Each study runs a {@link ai.mlpzoo.analysis.studies.TextModel} over texts, captures its
 * hook points, trains small SAEs in memory and returns a {@link
 * ai.mlpzoo.analysis.studies.StudyTable}; {@code mlpzoo sae-study} runs them on MiniLM.
 */
package ai.mlpzoo.analysis.studies;
