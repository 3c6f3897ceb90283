/**
 * ONNX export of mlp-zoo blocks, so that DJL's ONNX Runtime engine runs our models.
 *
 * <p>{@link ai.mlpzoo.onnx.OnnxExporter} walks an initialised block tree and asks the {@link
 * ai.mlpzoo.onnx.Emitters registry} for each block's {@link ai.mlpzoo.onnx.Emitter}, looked up by
 * exact class: MLP-Mixer, ResMLP, gMLP and their layers, KANLinear / KAN (B-spline bases as
 * elementwise ops, Cox-de Boor unrolled for the layer's order), FastKAN, GroupRational / KatMlp
 * (GR-KAN), FANLayer, {@link ai.mlpzoo.blocks.common.ChannelLayerNorm}, and DJL's Linear, Conv2d
 * and SequentialBlock. Every SAE and transcoder whose exact class is a registered {@link
 * ai.mlpzoo.blocks.sae.SaeArchitectures architecture} goes through one emitter, which writes the
 * shared parts and the encoder graph the block states ({@link
 * ai.mlpzoo.blocks.sae.SparseCoder#encoderGraph}: TopK through ONNX TopK and ScatterElements,
 * JumpReLU as a comparison and a mask). Emitters read blocks through their public accessors only
 * (no reflection); DJL's own LayerNorm, whose epsilon is private, is refused with a message naming
 * ChannelLayerNorm. A block without an emitter, including a subclass of a known block and a
 * LambdaBlock (whose function cannot be identified), fails with an {@link
 * ai.mlpzoo.onnx.UnsupportedBlockException} naming its class and path. {@code Emitters.register}
 * adds an emitter for another block class.
 *
 * <p>The graph: opset 17, input {@code input} with the dynamic first axis {@code batch}, parameters
 * as initialisers under their state-dict names ({@link ai.mlpzoo.blocks.common.NamedParameters}),
 * nodes named {@code path/op}, outputs named as the block's forward names them. {@link
 * ai.mlpzoo.onnx.OnnxModelDirs} writes {@code model.onnx} into a model directory, which DJL's
 * OrtModel finds by the directory's model name ({@code model}).
 *
 * <p>The protobuf classes ({@code onnx.Onnx}) are generated at build time by protoc from the
 * official {@code onnx.proto} in {@code src/main/proto} (origin and licence in its README).
 */
package ai.mlpzoo.onnx;
