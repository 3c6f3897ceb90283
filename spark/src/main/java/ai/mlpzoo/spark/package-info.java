/**
 * mlp-zoo on Apache Spark 4 (Scala 2.13): image classification, SAE/transcoder features and KAN
 * regression over DataFrames ({@link ai.mlpzoo.spark.MlpZooSpark}, {@link
 * ai.mlpzoo.spark.ZooModelTransformer}), one model per executor JVM ({@link
 * ai.mlpzoo.spark.ModelCache}), one predictor per task. See docs/spark.md.
 */
package ai.mlpzoo.spark;
