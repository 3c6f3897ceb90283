/**
 * The mlp-zoo as a DJL model zoo (group id {@code ai.mlpzoo}) and the mlp-zoo model directory.
 *
 * <p><b>Using it.</b> {@code Criteria.builder().setTypes(Image.class, Classifications.class)
 * .optGroupId("ai.mlpzoo").optArtifactId("mixer").optFilter("variant", "fmnist").build()
 * .loadModel()}; {@code NDList -> NDList} gives the raw block (whole batches in, named outputs
 * out). {@code ModelZoo.listModels()} and {@code mlpzoo list} show what exists; {@link
 * ai.mlpzoo.zoo.MlpZoo#loadModel} names it when a lookup matches nothing. Models load offline from
 * the jar: {@link ai.mlpzoo.zoo.ClasspathRepository} copies a packaged directory once to {@code
 * <DJL cache>/mlpzoo/<artifact>/<variant>/<content hash>/}. A model directory loaded by path
 * ({@code Criteria.optModelPath(dir)}) gets serving.properties' {@code translatorFactory} only with
 * {@code optTranslatorFactory(new DeferredTranslatorFactory())} (DJL picks the factory before it
 * reads the directory), or name the factory directly, e.g. {@code new ImageClassifierFactory()}.
 *
 * <p><b>Adding a model</b> (a KAN, an SAE): write its model directory with {@link
 * ai.mlpzoo.zoo.ModelDirs#save} (serving.properties naming a {@code translatorFactory}, e.g. {@code
 * ai.mlpzoo.translate.VectorTranslatorFactory} for {@code float[]} models; metadata.json with
 * {@code input_size} and, for classifiers, {@code mean}, {@code std}, {@code label_names}) into
 * {@code src/main/resources/ai/mlpzoo/zoo/models/<artifactId>/<variant>/}, and add one entry to
 * {@code index.json} there:
 *
 * <pre>
 * {"artifactId": "kan", "variant": "fmnist", "architecture": "kan_fmnist",
 *  "application": "cv/image_classification", "properties": {"dataset": "fashion-mnist"},
 *  "description": "...", "pretrained": true, "parameters": 123456, "files": []}
 * </pre>
 *
 * {@code architecture} names the model-configs variant the directory's architecture.json is
 * rendered from ({@code ModelDirs.architectureJson(Configs.variant(name))}); a test fails when a
 * packaged copy differs, so a variant is defined once. Omit it only for a model outside the named
 * variants, whose architecture.json is then its only definition.
 *
 * <p>{@code files} lists extra files of the directory beyond the standard five. An
 * architecture-only entry ships serving.properties with {@code
 * blockFactory=ai.mlpzoo.zoo.RandomInitBlockFactory} and {@code option.hasParameter=false},
 * architecture.json and metadata.json, and no params file.
 *
 * <p><b>Replacing weights</b> (trained ones for a placeholder): overwrite {@code model-0000.params}
 * and {@code model-0000.params.sha256} of the directory, then set {@code "pretrained": true} in
 * index.json. A params file that does not match its checksum is refused on load.
 */
package ai.mlpzoo.zoo;
