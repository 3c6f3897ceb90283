/**
 * Language models on the BERT blocks of {@link ai.mlpzoo.blocks.bert}: {@link
 * ai.mlpzoo.nlp.BertOnnxGraph} reads a BERT encoder's weights from an ONNX file by its graph,
 * {@link ai.mlpzoo.nlp.MiniLm} builds sentence-transformers' all-MiniLM-L6-v2 from the file this
 * module ships, {@link ai.mlpzoo.nlp.SentenceTokenizer} tokenises with DJL's Hugging Face
 * tokenizers, and {@link ai.mlpzoo.nlp.TextEmbeddingTranslator} turns text into normalised sentence
 * embeddings on PyTorch or ONNX Runtime.
 */
package ai.mlpzoo.nlp;
