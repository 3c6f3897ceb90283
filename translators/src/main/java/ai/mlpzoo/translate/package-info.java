/**
 * DJL translators for mlp-zoo models, configured by the model directory's {@code metadata.json}
 * ({@link ai.mlpzoo.translate.ModelInfo}) and chosen by {@code translatorFactory} in
 * serving.properties or by {@code Criteria.optTranslatorFactory}:
 *
 * <ul>
 *   <li>{@link ai.mlpzoo.translate.ImageClassifierFactory}: {@code Image} (also {@code Path},
 *       {@code URL}, {@code InputStream}) to {@code Classifications}, and {@code NDList} to {@code
 *       NDList};
 *   <li>{@link ai.mlpzoo.translate.VectorTranslatorFactory}: {@code float[]} to {@code float[]}
 *       (regression, e.g. KANs), {@code float[]} to {@link ai.mlpzoo.translate.SparseFeatures} (SAE
 *       features), and {@code NDList} to {@code NDList}.
 * </ul>
 */
package ai.mlpzoo.translate;
