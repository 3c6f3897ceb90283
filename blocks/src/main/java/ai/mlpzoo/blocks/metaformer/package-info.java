/**
 * MetaFormer with pooling as the token mixer: PoolFormer v1 and v2 (Yu et al. 2022, "MetaFormer Is
 * Actually What You Need for Vision"; Yu et al. 2023, "MetaFormer Baselines for Vision") as timm's
 * {@code metaformer.py} structures them. {@link ai.mlpzoo.blocks.metaformer.MetaFormer} is the
 * model; its children are named after timm's state-dict keys.
 */
package ai.mlpzoo.blocks.metaformer;
