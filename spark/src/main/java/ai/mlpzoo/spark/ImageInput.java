package ai.mlpzoo.spark;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Images from a DataFrame column: encoded bytes (PNG, JPEG, ...: the {@code content} column of
 * Spark's {@code binaryFile} source) or the struct of Spark's {@code image} source ({@code origin,
 * height, width, nChannels, mode, data}, the pixels as OpenCV lays them out: rows of BGR(A) bytes).
 * Rows are named by the {@code path} column (binaryFile) or the struct's {@code origin}.
 */
final class ImageInput implements RowInput<Image> {

    private static final long serialVersionUID = 1L;

    private final String column;
    private boolean struct;
    private int col = -1;
    private int pathCol = -1;

    ImageInput(String column) {
        this.column = column;
    }

    @Override
    public void checkSchema(StructType schema) {
        if (schema.getFieldIndex(column).isEmpty()) {
            throw new IllegalArgumentException(
                    "no column '"
                            + column
                            + "' (columns: "
                            + Arrays.toString(schema.fieldNames())
                            + "): name the image column (binaryFile's 'content', image's 'image')");
        }
        col = schema.fieldIndex(column);
        DataType t = schema.fields()[col].dataType();
        if (t instanceof BinaryType) {
            struct = false;
        } else if (t instanceof StructType s
                && s.getFieldIndex("data").isDefined()
                && s.getFieldIndex("nChannels").isDefined()) {
            struct = true;
        } else {
            throw new IllegalArgumentException(
                    "column '"
                            + column
                            + "' is "
                            + t.simpleString()
                            + ": images are binary (the binaryFile source's 'content') or the image"
                            + " source's struct");
        }
        pathCol = schema.getFieldIndex("path").isDefined() ? schema.fieldIndex("path") : -1;
    }

    @Override
    public Image read(Row row) {
        if (row.isNullAt(col)) {
            throw new IllegalArgumentException("the image is null");
        }
        return struct ? fromStruct(row.getStruct(col)) : decode(row.getAs(col));
    }

    private static Image decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("the file is empty");
        }
        try {
            Image img = ImageFactory.getInstance().fromInputStream(new ByteArrayInputStream(bytes));
            if (img.getWidth() <= 0 || img.getHeight() <= 0) {
                throw new IllegalArgumentException("the image has no pixels");
            }
            return img;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "not a decodable image ("
                            + bytes.length
                            + " bytes: "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage())
                            + ")",
                    e);
        }
    }

    /** The image source's struct (rows of BGR(A) or grey bytes) back to a picture. */
    private static Image fromStruct(Row s) {
        int h = s.getInt(s.fieldIndex("height"));
        int w = s.getInt(s.fieldIndex("width"));
        int c = s.getInt(s.fieldIndex("nChannels"));
        byte[] data = s.getAs("data");
        if (h <= 0 || w <= 0 || data == null || data.length == 0) {
            // the image source's invalid row (dropInvalid = false): -1 sizes, no data
            throw new IllegalArgumentException(
                    "not a decodable image (the image source's invalid row)");
        }
        if ((c != 1 && c != 3 && c != 4) || data.length != (long) h * w * c) {
            throw new IllegalArgumentException(
                    "image struct of "
                            + h
                            + "x"
                            + w
                            + "x"
                            + c
                            + " holds "
                            + data.length
                            + " bytes, not height*width*nChannels with 1, 3 or 4 channels");
        }
        BufferedImage img;
        if (c == 1) {
            img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, w, h, data);
        } else {
            img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] rgb = new int[w * h];
            for (int i = 0; i < rgb.length; i++) {
                int o = i * c; // B, G, R(, A): OpenCV's order
                rgb[i] = (data[o + 2] & 0xff) << 16 | (data[o + 1] & 0xff) << 8 | (data[o] & 0xff);
            }
            img.setRGB(0, 0, w, h, rgb, 0, w);
        }
        return ImageFactory.getInstance().fromImage(img);
    }

    @Override
    public String describe(Row row, int partition, long index) {
        if (pathCol >= 0 && !row.isNullAt(pathCol)) {
            return row.getString(pathCol);
        }
        if (struct && !row.isNullAt(col)) {
            Row s = row.getStruct(col);
            int o = s.fieldIndex("origin");
            if (!s.isNullAt(o)) {
                return s.getString(o);
            }
        }
        return "row " + index + " of partition " + partition;
    }
}
