/**
 * Data sets for training and evaluation: Fashion-MNIST (Xiao et al. 2017, arXiv:1708.07747) read
 * from its IDX files as Debian's {@code dataset-fashion-mnist} installs them, as arrays or as DJL
 * images. Nothing is downloaded: a missing data set fails with the package that provides it.
 */
package ai.mlpzoo.data;
